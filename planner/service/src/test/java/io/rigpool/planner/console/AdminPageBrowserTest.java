package io.rigpool.planner.console;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.console.Heartbeats.GIB;
import static io.rigpool.planner.console.Heartbeats.MIB;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The admin page in a real headless Chromium against the running planner, with workers on real gRPC streams: the
 * cards' bars against the bytes the workers reported, a VRAM drop within 3 s, actions through the confirmation
 * dialog, and the login. Saves a screenshot to {@code target/admin-page.png}.
 */
@RigpoolQuarkusTest
class AdminPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration BEAT = Duration.ofSeconds(1);
    private static final String RTX_3060 = "NVIDIA GeForce RTX 3060";
    private static final String RTX_4090 = "NVIDIA GeForce RTX 4090";
    private static ChromeDriver browser;

    @Inject
    PlannerUnderTest planner;

    @BeforeEach
    void browser() {
        browser = HeadlessChromium.get();
    }

    @AfterEach
    void noScriptErrors() {
        // A machine without Chromium skips the tests in browser(); there is nothing to check then.
        if (browser != null) {
            assertEquals(List.of(), HeadlessChromium.scriptErrors(browser), "the page's scripts failed");
        }
    }

    @AfterAll
    static void stopBrowser() {
        HeadlessChromium.stop();
    }

    @Test
    void eachNodeHasACardWhoseBarSplitsItsVramByUse() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String small = "pc-3060-" + suffix;
        String big = "pc-4090-" + suffix;
        LoadedModel chat = Heartbeats.measuredRunner("chat-" + suffix, 1500 * MIB, 256 * MIB, 300 * MIB);
        LoadedModel coder = Heartbeats.measuredRunner("coder-" + suffix, 4000 * MIB, 512 * MIB, 400 * MIB);
        LoadedModel embed = Heartbeats.measuredRunner("embed-" + suffix, 2000 * MIB, 128 * MIB, 200 * MIB);
        try (FakeWorker a = planner.worker(); FakeWorker b = planner.worker()) {
            a.send(planner.hello(small, 11 * GIB, FakeWorker.model(chat.getModelId(), 2 * GIB, 16)));
            b.send(planner.hello(big, 22 * GIB, FakeWorker.model(coder.getModelId(), 5 * GIB, 16),
                    FakeWorker.model(embed.getModelId(), 2 * GIB, 16)));
            a.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of(chat)), BEAT);
            // The owner of the big PC plays a game that takes 6 GiB.
            b.keepBeating(Heartbeats.beat(RTX_4090, 24 * GIB, 6 * GIB, List.of(coder, embed)), BEAT);

            openPage();
            List<PageCards.Segment> smallCard = PageCards.expected(12 * GIB, GIB, List.of(chat));
            List<PageCards.Segment> bigCard = PageCards.expected(24 * GIB, 6 * GIB, List.of(coder, embed));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                PageCards.assertBar(browser, small, 12 * GIB, smallCard);
                PageCards.assertBar(browser, big, 24 * GIB, bigCard);
            });

            Map<String, Object> card = PageCards.read(browser, small);
            String other = PageCards.segments(card).stream().filter(s -> s.kind().equals("other_processes")).findFirst()
                    .orElseThrow().title();
            assertTrue(other.contains("1.00 GiB") && other.contains("8.3 %"), "bytes and percent: " + other);
            String text = (String) card.get("text");
            assertTrue(text.contains("17/17 layers"), "layers on the GPU per runner: " + text);
            assertTrue(text.contains("approximate") && text.contains("measured"), "estimated beside measured");
            assertEquals("ready", card.get("status"));

            // The breakdown stays open across the page's refreshes.
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                browser.findElement(By.cssSelector("article.node[data-node=\"" + small + "\"] details[data-key^="
                        + "\"breakdown-\"] > summary")).click();
                return true;
            });
            await().atMost(WAIT).ignoreExceptions().until(() -> browser.findElement(By.cssSelector(
                    "article.node[data-node=\"" + small + "\"] table.breakdown")).isDisplayed());
            screenshot("admin-page.png");
        }
    }

    @Test
    void eachCardShowsItsBackendAndEachRunnerItsPredictedBesideItsMeasuredSpeed() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gpuNode = "pc-cuda-" + suffix;
        String cpuNode = "pc-cpu-" + suffix;
        String why = "libjllama.so in natives/cuda-13 has no CUDA backend";
        LoadedModel chat = Heartbeats.measuredRunner("fast-" + suffix, 1500 * MIB, 256 * MIB, 300 * MIB);
        try (FakeWorker a = planner.worker(); FakeWorker b = planner.worker()) {
            a.send(planner.hello(gpuNode, 11 * GIB, FakeWorker.model(chat.getModelId(), 2 * GIB, 16)));
            b.send(planner.hello(cpuNode, 11 * GIB, FakeWorker.model("slow-" + suffix, 2 * GIB, 16))
                    .setBackend(FakeWorker.cpuOnly("natives/cuda-13", why)));
            a.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of(chat)), BEAT);
            b.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of()), BEAT);
            openPage();
            String row = "article.node[data-node=\"" + gpuNode + "\"] tr[data-model=\"" + chat.getModelId() + "\"] ";
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                String text = (String) PageCards.read(browser, gpuNode).get("text");
                for (String fact : List.of("CUDA proven", "natives/cuda-13", "llama.cpp 4916 (c6af2161)",
                        "CUDA0 NVIDIA GeForce RTX 3060 (compute 8.6)", "driver 580.95.05 (CUDA 13.0)",
                        "CUDA runtime 13.0", "probe offloaded 3/3 layers", "fitted to 1 measured runner speed")) {
                    assertTrue(text.contains(fact), fact + " in " + text);
                }
                double measured = tokensPerSecond(browser.findElement(By.cssSelector(row + "td.measured")).getText());
                double predicted = tokensPerSecond(browser.findElement(By.cssSelector(row + "td.predicted"))
                        .getText());
                assertEquals(chat.getDecodeTps(), measured, 0.05);
                assertEquals(measured, predicted, measured * 0.15, "predicted beside measured");
            });
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                String text = (String) PageCards.read(browser, cpuNode).get("text");
                assertTrue(text.contains("CPU only") && text.contains("runs on the CPU only: " + why), text);
            });
        }
    }

    private static double tokensPerSecond(String cell) {
        return Double.parseDouble(cell.replace(" tok/s", "").trim());
    }

    @Test
    void theWhatIfShowsTheShareOfLayersAndTheSpeedUpFromTheEstimator() throws Exception {
        openPage();
        String model = "gemma-2-27b-it-Q4_K_M";
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("#whatif-model option[value='" + model + "']")).click();
            return true;
        });
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            browser.findElements(By.cssSelector("#whatif-card option")).stream()
                    .filter(o -> o.getText().startsWith("GeForce RTX 4060 ·")).findFirst().orElseThrow().click();
            return true;
        });
        browser.findElement(By.cssSelector("#whatif button[type=submit]")).click();

        JsonPath expected = given().queryParam("model", model).queryParam("card", "RTX 4060").get("/api/estimate")
                .then().statusCode(200).extract().jsonPath();
        String layers = expected.getInt("n_gpu_layers") + "/" + (expected.getInt("layers") + 1) + " layers on the GPU";
        String speedUp = String.format(java.util.Locale.ROOT, "×%.2f speed-up", expected.getDouble("speed_up"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            String answer = browser.findElement(By.id("whatif-answer")).getText();
            assertTrue(answer.contains(layers) && answer.contains(speedUp), answer + " vs " + layers + ", " + speedUp);
            assertTrue(answer.contains("does not fit fully"), answer);
        });
        screenshot("admin-page-whatif.png");
    }

    @Test
    void aGameTakingVramShowsOnThePageWithinThreeSeconds() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "gaming-" + suffix;
        LoadedModel runner = Heartbeats.measuredRunner("chat-" + suffix, 1500 * MIB, 256 * MIB, 300 * MIB);
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 11 * GIB, FakeWorker.model(runner.getModelId(), 2 * GIB, 16)));
            worker.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of(runner)), BEAT);
            openPage();
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> PageCards.assertBar(browser, node, 12 * GIB,
                    PageCards.expected(12 * GIB, GIB, List.of(runner))));

            long start = System.nanoTime();
            worker.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, 5 * GIB, List.of(runner)), BEAT);
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .untilAsserted(() -> PageCards.assertBar(browser, node, 12 * GIB, PageCards.expected(12 * GIB, 5 * GIB, List.of(runner))));
            System.out.printf("the page showed the VRAM drop after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void anOwnersPauseAndALoadingRunnersProgressShowOnTheCard() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "paused-" + suffix;
        String model = "loading-" + suffix;
        LoadedModel loading = LoadedModel.newBuilder().setModelId(model).setState(LoadState.LOAD_STATE_LOADING)
                .setLoadProgress(0.4f).setSlotsTotal(1).setNGpuLayers(17).setNCtx(4096).build();
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 11 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            Heartbeat beat = Heartbeats.beat(RTX_3060, 12 * GIB, 3 * GIB, List.of()).toBuilder().addLoaded(loading)
                    .build();
            worker.keepBeating(beat, BEAT);
            openPage();
            String row = "article.node[data-node=\"" + node + "\"] tr[data-model=\"" + model + "\"] ";
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                assertEquals("loading 40 %", browser.findElement(By.cssSelector(row + "td.state")).getText());
                WebElement progress = browser.findElement(By.cssSelector(row + ".progress"));
                double share = progress.findElement(By.tagName("span")).getRect().getWidth()
                        / (double) progress.getRect().getWidth();
                assertEquals(0.4, share, 0.03, "the progress bar");
                assertEquals("17/17 layers", browser.findElement(By.cssSelector(row + "td.layers")).getText());
            });

            worker.keepBeating(beat.toBuilder().setPaused(true).build(), BEAT);
            awaitStatus(node, "paused");
            // The card is re-rendered every second: a status element found just before it is replaced goes stale.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals("PAUSED BY OWNER",
                    browser.findElement(By.cssSelector("article.node[data-node=\"" + node + "\"] .status")).getText()));
        }
    }

    @Test
    void drainAndUndrainAskForConfirmationAndChangeTheNodesState() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "drained-" + suffix;
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 11 * GIB, FakeWorker.model("m-" + suffix, 2 * GIB, 16)));
            worker.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of()), BEAT);
            openPage();
            awaitStatus(node, "ready");

            clickInCard(node, "drain");
            answerDialog("confirm-cancel");
            assertEquals("ready", PageCards.read(browser, node).get("status"), "cancelled: nothing happens");
            assertEquals(false, drained(node));

            clickInCard(node, "drain");
            assertTrue(browser.findElement(By.id("confirm-title")).getText().contains(node));
            answerDialog("confirm-ok");
            awaitStatus(node, "draining");
            awaitResult("node " + node + " is draining");
            assertEquals(true, drained(node));

            clickInCard(node, "undrain");
            answerDialog("confirm-ok");
            awaitStatus(node, "ready");
            awaitResult("node " + node + " is back in service");
        }
    }

    @Test
    void reserveAndPinAreSetFromThePage() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "reserved-" + suffix;
        String model = "pinned-" + suffix;
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 11 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            worker.keepBeating(Heartbeats.beat(RTX_3060, 12 * GIB, GIB, List.of()), BEAT);
            openPage();
            awaitStatus(node, "ready");

            clickInCard(node, "reserve");
            WebElement field = browser.findElement(By.cssSelector("#confirm-field input"));
            field.clear();
            field.sendKeys("3GiB");
            answerDialog("confirm-ok");
            awaitResult("reserve of " + node + " is 3.00 GiB");
            assertEquals(3 * GIB, plan().getLong("nodes.find { it.node_id == '" + node + "' }.reserve_bytes"));

            String row = "#models tr[data-model=\"" + model + "\"] ";
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                browser.findElement(By.cssSelector(row + "button[data-action=pin]")).click();
                return true;
            });
            assertEquals(node, browser.findElement(By.cssSelector("#confirm-field select")).getAttribute("value"));
            answerDialog("confirm-ok");
            awaitResult(model + " is pinned to " + node);
            assertEquals(List.of(node), models().getList("find { it.model_id == '" + model + "' }.pinned_to"));

            await().atMost(WAIT).ignoreExceptions().until(() -> {
                browser.findElement(By.cssSelector(row + "button[data-action=unpin]")).click();
                return true;
            });
            answerDialog("confirm-ok");
            awaitResult(model + " is no longer pinned to " + node);
            assertEquals(List.of(), models().getList("find { it.model_id == '" + model + "' }.pinned_to"));
        }
    }

    @Test
    void withoutTheAdminKeyThePageAndItsDataAreRefused() {
        browser.manage().deleteAllCookies();
        browser.get(planner.url("admin/"));
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("/admin/login"));
        // The page's data opened directly: refused. (The login page's policy allows no script requests at all, so
        // the requests below are made from this plain JSON answer.)
        browser.get(planner.url("admin/api/fleet"));
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("unauthorized"));
        assertEquals(401L, fetchStatus("fetch('/admin/api/fleet')"));
        assertEquals(401L, fetchStatus("fetch('/admin/api/history')"));
        assertEquals(401L, fetchStatus("fetch('/api/nodes/any/drain', {method: 'POST',"
                + " headers: {'X-Requested-By': 'rigpool-admin'}})"));
        assertEquals(401L, fetchStatus("fetch('/admin/assets/app.js')"));

        browser.get(planner.url("admin/login"));
        login("not-the-admin-key");
        // The form posts and the answer is a new page: wait for it rather than read the page being left.
        await().atMost(WAIT).ignoreExceptions().until(() ->
                browser.findElement(By.cssSelector(".message")).getText().contains("not the admin key"));
        assertTrue(browser.manage().getCookies().isEmpty(), "a wrong key gets no session");

        login(planner.adminKey());
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("/admin/"));
        browser.get(planner.url("admin/api/fleet"));
        assertEquals(200L, fetchStatus("fetch('/admin/api/fleet')"));
        assertEquals(null, browser.executeScript("return document.cookie.match(/rigpool_admin/)"),
                "the session cookie is HttpOnly: no script sees it");
    }

    // ---- helpers ----

    private static void screenshot(String name) throws java.io.IOException {
        Path file = Path.of("target", name);
        Files.createDirectories(file.getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }

    private void openPage() {
        browser.get(planner.url("admin/"));
        if (browser.getCurrentUrl().endsWith("/admin/login")) {
            login(planner.adminKey());
        }
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("/admin/")
                && !"0".equals(String.valueOf(browser.executeScript("return document.body.dataset.updated || '0'"))));
    }

    private static void login(String key) {
        WebElement field = browser.findElement(By.id("key"));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.id("login")).click();
    }

    private static void awaitStatus(String node, String status) {
        await().atMost(WAIT).ignoreExceptions().until(() -> status.equals(PageCards.read(browser, node).get("status")));
    }

    /** Clicks a card's action button; the card is re-rendered every second, so a stale button is clicked again. */
    private static void clickInCard(String node, String action) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("article.node[data-node=\"" + node + "\"] button[data-action=\""
                    + action + "\"]")).click();
            return true;
        });
        await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).getAttribute("open") != null);
    }

    private static void answerDialog(String button) {
        browser.findElement(By.id(button)).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).getAttribute("open") == null);
    }

    private static void awaitResult(String text) {
        await().atMost(WAIT).ignoreExceptions().until(() -> browser.findElement(By.id("result")).getText()
                .contains(text));
    }

    private static Object fetchStatus(String fetch) {
        return browser.executeAsyncScript("const done = arguments[arguments.length - 1]; " + fetch
                + ".then(r => done(r.status), e => done(String(e)));");
    }

    private Boolean drained(String node) {
        return plan().getBoolean("nodes.find { it.node_id == '" + node + "' }.drained");
    }

    private JsonPath plan() {
        return given().get("/api/plan").then().statusCode(200).extract().jsonPath();
    }

    private JsonPath models() {
        return given().get("/api/models").then().statusCode(200).extract().jsonPath();
    }
}
