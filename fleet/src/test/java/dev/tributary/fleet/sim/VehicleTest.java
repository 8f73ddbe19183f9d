package dev.tributary.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VehicleTest {

    @Test
    void drivingMovesTheVehicleAlongItsRoute_andKeepsValuesInRange() {
        Vehicle vehicle = new Vehicle("v1", new Route(52.52, 13.405, 2), 1);
        String before = vehicle.telemetryJson(0);
        for (int i = 0; i < 600; i++) {
            vehicle.step(1);
        }
        String after = vehicle.telemetryJson(600_000);
        assertThat(after).isNotEqualTo(before).contains("\"seq\":600");
        double lat = number(after, "lat");
        double lon = number(after, "lon");
        assertThat(lat).isBetween(52.52 - 0.02, 52.52 + 0.02); // 2 km radius
        assertThat(lon).isBetween(13.405 - 0.04, 13.405 + 0.04);
        assertThat(number(after, "speed")).isBetween(0.0, 120.0);
        assertThat(number(after, "fuel")).isBetween(0.0, 100.0);
        assertThat(number(after, "heading")).isBetween(0.0, 360.0);
    }

    @Test
    void optionsHaveDefaults_andRefuseNonsense() {
        SimulatorOptions defaults = SimulatorOptions.parse();
        assertThat(defaults.port(1)).isEqualTo(1883);
        assertThat(defaults.vehicles()).isEqualTo(10);
        assertThat(SimulatorOptions.parse("--websocket").port(1)).isEqualTo(9001);
        assertThatThrownBy(() -> SimulatorOptions.parse("--qos", "2")).hasMessageContaining("--qos");
        assertThatThrownBy(() -> SimulatorOptions.parse("--colour", "red")).hasMessageContaining("unknown option");
    }

    @Test
    void severalPorts_spreadTheVehiclesOverThem_inTurn() {
        SimulatorOptions spread = SimulatorOptions.parse("--port", "1883,1884,1885");
        assertThat(java.util.stream.IntStream.rangeClosed(1, 7).map(spread::port).boxed().toList())
                .containsExactly(1883, 1884, 1885, 1883, 1884, 1885, 1883);
        assertThat(spread.toString()).contains("mqtt://127.0.0.1:1883,1884,1885");
        assertThatThrownBy(() -> SimulatorOptions.parse("--port", "1883,x")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void commandTextIsEscapedIntoTheAcknowledgement() {
        assertThat(FleetSimulator.jsonString("say \"hi\"\n")).isEqualTo("\"say \\\"hi\\\"\\n\"");
    }

    private static double number(String json, String field) {
        var m = java.util.regex.Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        assertThat(m.find()).as(field).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
