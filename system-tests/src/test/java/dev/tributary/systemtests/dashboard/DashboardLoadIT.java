package dev.tributary.systemtests.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.Browser;

/**
 * The dashboard with 1,000 simulated vehicles at 1 message/s each. Proves that every vehicle shows up
 * and that the views still answer clicks while the fleet streams in, and prints the page's own
 * responsiveness figures (main-thread lag, render time, long tasks, JS heap) to
 * target/dashboard-load.txt. The figures are reported, not asserted: they depend on the machine.
 */
class DashboardLoadIT {

    private static final Duration MEASURED = Duration.ofSeconds(30);

    @Test
    void withAThousandVehiclesAtOneMessagePerSecond_everyVehicleShows_andTheViewsStillAnswer() throws Exception {
        try (LiveFleet live = new LiveFleet(1000, "1"); Browser browser = new Browser()) {
            browser.open(live.page());
            try {
                browser.awaitUpTo(Duration.ofSeconds(90), () -> browser.text("#fleet-online").equals("1000 online"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                browser.screenshot("fleet-1000-timeout");
                throw new AssertionError("the page shows " + browser.text("#fleet-count") + ", "
                        + browser.text("#fleet-online") + "; " + browser.script("return window.tributaryStats()"), e);
            }
            assertThat(browser.text("#fleet-count")).isEqualTo("1000 vehicles");
            assertThat(browser.text("#fleet-shown")).as("the table stays bounded").startsWith("showing 100 of 1000");

            Thread.sleep(MEASURED.toMillis()); // the fleet streams in; the page's rings keep the last minute
            @SuppressWarnings("unchecked")
            Map<String, Object> figures = (Map<String, Object>) browser.script("return window.tributaryStats()");
            browser.screenshot("fleet-1000");

            long clicked = System.nanoTime();
            browser.find("#fleet-filter").sendKeys("t777");
            browser.awaitUpTo(Duration.ofSeconds(10), () -> browser.findAll("#fleet-table tbody tr").size() == 1);
            browser.click("tr[data-vehicle='t777']");
            browser.awaitUpTo(Duration.ofSeconds(10), () -> (Long) browser.script(
                    "return Chart.getChart('chart-speed').data.datasets[0].data.length") >= 2);
            long vehicleViewMs = (System.nanoTime() - clicked) / 1_000_000;
            browser.screenshot("vehicle-1000");

            browser.click("#tab-explorer");
            browser.find("#explorer-filter").sendKeys("t999/status");
            // whether it shows as retained depends on whether t999 came online before the page subscribed
            // (MQTT forwards live messages with the retain flag cleared), so the value is what is checked
            browser.awaitUpTo(Duration.ofSeconds(10),
                    () -> browser.text("li[data-topic='fleet/t999/status']").contains("\"online\":true"));
            assertThat(browser.text("#explorer-count")).startsWith("2000 topics");

            // the page's rings hold its last 600 samples of each figure: one minute of 100 ms lag probes
            String report = String.format(Locale.ROOT, "dashboard load: 1000 vehicles at 1 msg/s, the page's last"
                    + " minute: %.0f msg/s handled; main-thread lag p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                    + " render p50 %.1f ms, p99 %.1f ms; %s long tasks; JS heap %.1f MB;"
                    + " filter + click to a filled vehicle chart %d ms%n",
                    number(figures, "messagesPerSecond"),
                    number(figures, "lagP50Ms"), number(figures, "lagP99Ms"), number(figures, "lagMaxMs"),
                    number(figures, "renderP50Ms"), number(figures, "renderP99Ms"), figures.get("longTasks"),
                    number(figures, "heapBytes") / 1e6, vehicleViewMs);
            System.out.print(report);
            Files.writeString(Path.of("target", "dashboard-load.txt"), report);
        }
    }

    private static double number(Map<String, Object> figures, String name) {
        Object value = figures.get(name);
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
