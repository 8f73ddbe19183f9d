package dev.tributary.edge.auth;

import java.util.HashMap;
import java.util.Map;

/** {@link AuthProfile} with an auth topic of its own, so its ACL cannot disturb AuthIT's. */
public class AclDeliveryProfile extends AuthProfile {

    static final String TOPIC = "tributary.auth.edge-acl-it";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("tributary.edge.auth.topic", TOPIC);
        return overrides;
    }
}
