package dev.tributary.dashboard;

import dev.tributary.testsupport.HealthContract;
import io.quarkus.test.junit.QuarkusTest;

/** web-dashboard needs nothing but itself to be ready: the browser speaks to the edge. */
@QuarkusTest
class HealthTest extends HealthContract {
}
