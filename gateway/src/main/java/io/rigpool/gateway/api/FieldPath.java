package io.rigpool.gateway.api;

/** Builds a field name as errors show it: {@code messages[1].role}. */
final class FieldPath {

    private final StringBuilder path = new StringBuilder();

    FieldPath name(String name) {
        if (path.length() > 0) {
            path.append('.');
        }
        path.append(name);
        return this;
    }

    FieldPath index(int index) {
        path.append('[').append(index).append(']');
        return this;
    }

    String orNull() {
        return path.length() == 0 ? null : path.toString();
    }

    static String element(String array, int index) {
        return array + "[" + index + "]";
    }

    static String member(String parent, String name) {
        return parent + "." + name;
    }
}
