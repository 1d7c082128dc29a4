package com.adventive.billing.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, written down where a build can check it: one package per capability,
 * each with boundary / control / entity rooms, and the outside world behind gateways.
 */
@AnalyzeClasses(packages = "com.adventive.billing", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    private static final String ROOT = "com.adventive.billing";
    /** A gateway in platform, with its nested classes. */
    private static final String GATEWAY = "com\\.adventive\\.billing\\.platform\\.control\\.[A-Za-z]+Gateway(\\$.*)?";
    private static final String[] CAPABILITIES = {
            ROOT + ".webhook..", ROOT + ".work..", ROOT + ".invoice..", ROOT + ".usage..",
            ROOT + ".lifecycle..", ROOT + ".reconcile..", ROOT + ".admin..", ROOT + ".health.."};

    @ArchTest
    static final ArchRule capabilitiesFormNoCycles = slices()
            .matching(ROOT + ".(*)..")
            .should().beFreeOfCycles()
            .because("a capability that needs another must not be needed by it in turn");

    @ArchTest
    static final ArchRule entitiesDependOnNothingAbove = noClasses()
            .that().resideInAPackage("..entity..")
            .should().dependOnClassesThat().resideInAnyPackage("..control..", "..boundary..")
            .because("entities are plain data and JPA mappings");

    @ArchTest
    static final ArchRule controlKnowsNoDoors = noClasses()
            .that().resideInAPackage("..control..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "jakarta.jms..", "jakarta.ejb..")
            .because("HTTP, JMS and EJB timers are doors: they live in boundary");

    @ArchTest
    static final ArchRule platformDependsOnNoCapability = noClasses()
            .that().resideInAPackage(ROOT + ".platform..")
            .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
            .because("platform is the floor every capability stands on");

    @ArchTest
    static final ArchRule outsideWorldOnlyThroughGateways = noClasses()
            .that().haveNameNotMatching(GATEWAY)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.stripe.net..", "com.stripe.param..", "software.amazon.awssdk..", "jakarta.mail..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("com.stripe.Stripe")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("com.stripe.StripeClient")
            .because("Stripe, the bucket and SMTP are reached through one gateway each, so tests swap the endpoint, not the code");
}
