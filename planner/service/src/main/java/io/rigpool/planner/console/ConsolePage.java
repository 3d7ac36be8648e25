package io.rigpool.planner.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The admin page's files, read once from the class path ({@code admin-page/}, not a public static folder: the page
 * is only served after login), and the login form with its message.
 */
final class ConsolePage {

    /** The files the page may fetch, with their media types; nothing else is served. */
    static final Map<String, String> ASSETS = Map.of("app.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8", "fleet.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private static final String FOLDER = "admin-page/";
    private static final String MESSAGE_MARK = "<!--message-->";

    private ConsolePage() {
    }

    static byte[] index() {
        return read("index.html");
    }

    static Optional<byte[]> asset(String name) {
        return ASSETS.containsKey(name) ? Optional.of(read(name)) : Optional.empty();
    }

    /** The login form, with a message (escaped) above it when there is one. */
    static String login(String message) {
        String page = new String(read("login.html"), StandardCharsets.UTF_8);
        String html = message == null ? "" : "<p class=\"message\" role=\"alert\">" + escape(message) + "</p>";
        return page.replace(MESSAGE_MARK, html);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static byte[] read(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the admin page's " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
