package io.rigpool.planner.console;

import static org.junit.jupiter.api.Assertions.fail;

import io.rigpool.common.files.Directories;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Starts Debian's Chromium headless through its chromedriver, both found on the machine (never downloaded: the
 * driver and browser paths are given, so Selenium Manager has nothing to fetch). Without them the browser tests are
 * skipped with a message, unless {@code RIGPOOL_REQUIRE_BROWSER=1} (CI), where they fail.
 * {@code RIGPOOL_CHROMIUM} and {@code RIGPOOL_CHROMEDRIVER} may point elsewhere.
 */
final class HeadlessChromium {

    private static ChromeDriver browser;
    private static String missing;

    private HeadlessChromium() {
    }

    /**
     * The browser for a test: started on first use; a test is skipped (or, with RIGPOOL_REQUIRE_BROWSER=1, fails)
     * when there is none.
     */
    /** The browser's profile folder while it runs. */
    private static Path profile;

    static synchronized ChromeDriver get() {
        if (browser == null && missing == null) {
            try {
                browser = start();
            } catch (org.opentest4j.TestAbortedException e) {
                missing = e.getMessage();
            }
        }
        Assumptions.assumeTrue(browser != null, missing);
        return browser;
    }

    static synchronized void stop() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        // deleteOnExit cannot remove a folder Chromium filled: the profile goes once the browser has quit.
        if (profile != null) {
            Directories.deleteRecursively(profile);
            profile = null;
        }
    }

    /**
     * Errors the pages' scripts logged since the last call (uncaught exceptions, failed promises); refused requests
     * ("Failed to load resource", which the login tests cause on purpose) are not script errors.
     */
    static List<String> scriptErrors(ChromeDriver chrome) {
        return chrome.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).filter(m -> !m.contains("Failed to load resource")).toList();
    }

    private static ChromeDriver start() {
        Optional<Path> browser = find("RIGPOOL_CHROMIUM", "chromium", "chromium-browser");
        Optional<Path> driver = find("RIGPOOL_CHROMEDRIVER", "chromedriver");
        if (browser.isEmpty() || driver.isEmpty()) {
            unavailable("no headless Chromium here (browser: " + browser.map(Path::toString).orElse("not found")
                    + ", driver: " + driver.map(Path::toString).orElse("not found") + "); install Debian's chromium and"
                    + " chromium-driver, or set RIGPOOL_CHROMIUM and RIGPOOL_CHROMEDRIVER", null);
        }
        System.setProperty("webdriver.chrome.driver", driver.get().toString());
        try {
            profile = Files.createTempDirectory("rigpool-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(browser.get().toFile());
            // The page's console, so tests can fail on script errors.
            options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
                    "--window-size=1440,1800", "--lang=en-US");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driver.get().toFile()).usingAnyFreePort()
                    .withTimeout(Duration.ofSeconds(60)).build();
            ChromeDriver chrome = new ChromeDriver(service, options);
            chrome.manage().window().setSize(new Dimension(1440, 1800));
            chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            return chrome;
        } catch (IOException | RuntimeException e) {
            unavailable("headless Chromium " + browser.get() + " with " + driver.get() + " did not start: " + e, e);
            throw new IllegalStateException("unreachable");
        }
    }

    private static void unavailable(String message, Throwable cause) {
        if ("1".equals(System.getenv("RIGPOOL_REQUIRE_BROWSER"))) {
            fail("RIGPOOL_REQUIRE_BROWSER=1 but " + message, cause);
        }
        Assumptions.abort("browser tests skipped: " + message);
    }

    /** An executable named by the environment variable, else the first of the names on the PATH. */
    private static Optional<Path> find(String variable, String... names) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        return Stream.of(names).flatMap(name -> Stream.of(pathVariable.split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))).filter(Files::isExecutable).findFirst();
    }
}
