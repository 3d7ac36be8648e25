package io.rigpool.local;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks the model ids out of the gateway's OpenAI-shaped model list without a JSON library on this classpath. */
final class ModelIds {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private ModelIds() {
    }

    static List<String> of(String modelListJson) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(modelListJson);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
