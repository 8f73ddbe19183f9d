package dev.tributary.auth.acl;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.auth.Problem;
import dev.tributary.auth.audit.Audit;
import dev.tributary.auth.store.AuthStore;
import dev.tributary.auth.store.Writes;
import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.ClientIdCheck;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

/** The ordered ACL: read, replaced as a whole, or added to at the end. Every change is audited. */
public final class AclService {

    private final AuthStore store;

    public AclService(AuthStore store) {
        this.store = store;
    }

    public List<AclRule> rules() {
        return store.acl();
    }

    public List<AclRule> replace(String actor, List<AclRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            String problem = problem(rules.get(i));
            if (problem != null) {
                throw Problem.badRequest("rule " + i + ": " + problem);
            }
        }
        Writes.await(store.putAcl(rules));
        Audit.log(actor, "acl.replace", "acl", "rules=" + rules.size());
        return rules;
    }

    public List<AclRule> append(String actor, List<AclRule> added) {
        return insert(actor, added, false);
    }

    /** Adds rules after the existing ones, or before them ({@code first}): the first matching rule decides. */
    public List<AclRule> insert(String actor, List<AclRule> added, boolean first) {
        List<AclRule> rules = new ArrayList<>(store.acl());
        rules.addAll(first ? 0 : rules.size(), added);
        return replace(actor, rules);
    }

    static String problem(AclRule rule) {
        if (rule == null || rule.who() == null || rule.action() == null) {
            return "who, topicFilter and action are required";
        }
        boolean namesNobody = rule.who() == Who.ANY || rule.who() == Who.ANONYMOUS;
        if (namesNobody ? rule.name() != null : rule.name() == null || rule.name().isBlank()) {
            return namesNobody ? "a rule for " + rule.who() + " names nobody" : "a " + rule.who() + " rule needs a name";
        }
        return rule.action() == Action.CONNECT ? ClientIdCheck.patternProblem(rule.topicFilter())
                : AclCheck.ruleProblem(rule.topicFilter());
    }
}
