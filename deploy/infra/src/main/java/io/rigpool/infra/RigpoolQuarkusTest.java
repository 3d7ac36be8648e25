package io.rigpool.infra;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code @QuarkusTest} against the shared real PostgreSQL and Kafka ({@link RigpoolInfrastructureResource}). Every
 * Quarkus test of gateway, planner and worker carries this one annotation, so all of a module's tests (of one
 * profile) have the same test resources and Quarkus starts the application once for them. A CDI stereotype, so that
 * the classes it marks become beans as {@code @QuarkusTest} ones do (this jar's {@code META-INF/beans.xml} lets
 * Quarkus see it).
 */
@Stereotype
@QuarkusTest
@QuarkusTestResource(value = RigpoolInfrastructureResource.class, restrictToAnnotatedClass = false)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface RigpoolQuarkusTest {
}
