package dev.tributary.systemtests.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.tributary.testsupport.Browser;

/**
 * The packaged dashboard in a real headless Chromium, speaking MQTT over WebSocket to the packaged edge,
 * with three simulated vehicles publishing every half second. Screenshots of each view land in
 * target/screenshots.
 */
class DashboardIT {

    private static final Duration SECONDS = Duration.ofSeconds(15);
    private static LiveFleet live;
    private static Browser browser;

    @BeforeAll
    static void start() {
        live = new LiveFleet(3, "0.5");
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (live != null) {
            live.close();
        }
    }

    @Test
    void fleetOverview_listsEveryVehicleOnline_andItsValuesChangeWithinSeconds() {
        openConnected();
        browser.awaitUpTo(SECONDS, () -> browser.script(
                "return document.querySelectorAll('#fleet-table tbody td.status.online').length").equals(3L));
        assertThat(browser.text("#fleet-count")).isEqualTo("3 vehicles");

        String position = awaitText("tr[data-vehicle='t1'] td.position", t -> t.matches("[0-9.]+, [0-9.]+"));
        String speed = browser.text("tr[data-vehicle='t1'] td.speed");
        assertThat(speed).matches("[0-9]+\\.[0-9]");
        browser.awaitUpTo(SECONDS, () -> !browser.text("tr[data-vehicle='t1'] td.position").equals(position));
        assertThat(browser.script("return document.getElementById('position-plot').toDataURL().length"))
                .as("the position plot has points drawn").isNotEqualTo(blankCanvasLength());
        browser.screenshot("fleet");
    }

    @Test
    void vehicleView_chartsItsHistory_andACommandIsAcknowledgedByTheVehicle() {
        openConnected();
        browser.awaitUpTo(SECONDS, () -> browser.find("tr[data-vehicle='t2']").isDisplayed());
        browser.click("tr[data-vehicle='t2']");
        assertThat(browser.find("#view-vehicle").isDisplayed()).isTrue();
        assertThat(browser.find("#vehicle-select").getAttribute("value")).isEqualTo("t2");
        browser.awaitUpTo(SECONDS, () -> (Long) browser.script(
                "return Chart.getChart('chart-speed').data.datasets[0].data.length") >= 4);
        assertThat(browser.text("#vehicle-latest")).contains("speed km/h", "fuel %", "seq");

        String command = "{\"cmd\":\"honk\",\"id\":\"" + UUID.randomUUID() + "\"}";
        WebElement input = browser.find("#command-text");
        input.clear();
        input.sendKeys(command);
        browser.click("#command-send");
        assertThat(browser.text("#command-result")).isEqualTo("sent to fleet/t2/commands");
        browser.awaitUpTo(SECONDS, () -> browser.text("#acks").contains(command));
        assertThat(browser.text("#acks")).contains("t2 done");
        browser.screenshot("vehicle");
    }

    @Test
    void topicExplorer_showsTheTopicTree_retainedStatus_andMessageRates() {
        openConnected();
        browser.click("#tab-explorer");
        browser.awaitUpTo(SECONDS, () -> browser.text("#explorer-tree").contains("fleet"));
        browser.click("li[data-topic='fleet'] > .name");
        browser.awaitUpTo(SECONDS, () -> browser.find("li[data-topic='fleet/t3']").isDisplayed());
        browser.click("li[data-topic='fleet/t3'] > .name");
        assertThat(browser.text("li[data-topic='fleet/t3/status']")).contains("retained", "\"online\":true");
        browser.awaitUpTo(SECONDS, () -> browser.text("li[data-topic='fleet/t3/telemetry'] .meta")
                .matches("[0-9]+ messages, [1-9][0-9.]* msg/s"));
        browser.screenshot("explorer");

        browser.find("#explorer-filter").sendKeys("t1/tele");
        browser.awaitUpTo(SECONDS, () -> browser.findAll("#explorer-tree > li").size() == 1);
        assertThat(browser.text("#explorer-tree")).contains("fleet/t1/telemetry", "\"vehicle\":\"t1\"");
    }

    @Test
    void whenTheEdgeRestarts_thePageShowsItAndReconnectsByItself() throws Exception {
        openConnected();
        live.edge().restart();
        // the page keeps every state it showed, so a short "reconnecting" cannot slip between two polls
        browser.awaitUpTo(Duration.ofSeconds(40), () -> browser.script(
                "return window.tributaryStats().states.join(' ')").toString().matches(".*reconnecting.* connected$"));
        long before = (Long) browser.script("return window.tributaryStats().messages");
        browser.awaitUpTo(Duration.ofSeconds(30),
                () -> (Long) browser.script("return window.tributaryStats().messages") > before + 3);
        assertThat(browser.text("#connection-state")).isEqualTo("connected");
    }

    private void openConnected() {
        browser.open(live.page());
        browser.awaitUpTo(SECONDS, () -> browser.text("#connection-state").equals("connected"));
    }

    private String awaitText(String css, java.util.function.Predicate<String> ready) {
        browser.awaitUpTo(SECONDS, () -> ready.test(browser.text(css)));
        return browser.text(css);
    }

    private static Object blankCanvasLength() {
        return browser.script("const c = document.createElement('canvas'); c.width = 520; c.height = 420;"
                + " return c.toDataURL().length");
    }
}
