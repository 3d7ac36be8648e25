package io.rigpool.local;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;

/**
 * Runs the test classes that share a local stack one after the other (by their {@link StackConfig}), so that the
 * one shared stack {@link LocalStackExtension} keeps running is started once per configuration. Classes without a
 * stack come first; exclusive stacks last; otherwise by name. Set as the default in junit-platform.properties.
 */
public final class StackConfigOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparing((ClassDescriptor d) -> key(d.getTestClass()))
                .thenComparing(d -> d.getTestClass().getName()));
    }

    private static String key(Class<?> testClass) {
        for (Field field : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == LocalStackExtension.class) {
                try {
                    field.setAccessible(true);
                    LocalStackExtension extension = (LocalStackExtension) field.get(null);
                    return extension == null ? "" : "1-" + extension.config().sortKey();
                } catch (ReflectiveOperationException e) {
                    return "";
                }
            }
        }
        return "0";
    }
}
