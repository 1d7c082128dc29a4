package com.adventive.billing.invoice.control;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.cache.ConcurrentMapTemplateCache;
import com.github.jknack.handlebars.context.JavaBeanValueResolver;
import com.github.jknack.handlebars.context.MapValueResolver;
import com.github.jknack.handlebars.context.MethodValueResolver;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compiles the Handlebars templates under {@code /templates} on the classpath. Two engines:
 * HTML templates escape every {@code {{value}}} for HTML (invoice data is text, never markup);
 * plain-text templates (subjects, text bodies) must not, or "Smith & Co" would arrive as
 * "Smith &amp; Co". Compiled templates are immutable and safe to share between threads.
 */
final class InvoiceTemplates {

    private static final String ROOT = "/templates";

    private InvoiceTemplates() {
    }

    static Handlebars htmlEngine() {
        return configure(new Handlebars(new ClassPathTemplateLoader(ROOT, ".hbs")).with(EscapingStrategy.HTML_ENTITY));
    }

    static Handlebars plainTextEngine() {
        return configure(new Handlebars(new ClassPathTemplateLoader(ROOT, ".hbs")).with(EscapingStrategy.NOOP));
    }

    private static Handlebars configure(Handlebars handlebars) {
        // Partials ({{> name}}) are compiled when a template is applied, and without a cache on every
        // apply: an email's partials were re-parsed for every send (8 % of a work item's CPU in the
        // drain profile, docs/benchmarks.md). The templates come from the war and never change.
        handlebars.with(new ConcurrentMapTemplateCache());
        handlebars.setInfiniteLoops(false);
        // drops the lines that hold only a block tag ({{#if}} ... {{/if}}), as Handlebars.js does
        handlebars.setPrettyPrint(true);
        return handlebars;
    }

    static Template compile(Handlebars engine, String name) {
        try {
            return engine.compile(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load template " + ROOT + "/" + name + ".hbs", e);
        }
    }

    static String apply(Template template, Object model) {
        // records expose name() accessors, not getName(): the method resolver reads those
        Context context = Context.newBuilder(model)
                .resolver(MethodValueResolver.INSTANCE, JavaBeanValueResolver.INSTANCE, MapValueResolver.INSTANCE)
                .build();
        try {
            return template.apply(context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render template " + template.filename(), e);
        } finally {
            context.destroy();
        }
    }
}
