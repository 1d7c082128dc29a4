package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.PriceTiers;
import com.adventive.billing.reconcile.entity.StripeBill;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A staged bill as JSON (JSON-P), so a restarted run reads back exactly what it staged. */
final class BillJson {

    /**
     * Looked up once: each {@code Json.createObjectBuilder()}/{@code Json.createReader()} call looks the
     * provider up again through the ServiceLoader (jar scanning), which was 11 % of a 10,000-invoice
     * run's CPU samples (JFR, ReconcileBenchmark) with about five such calls per bill.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private BillJson() {
    }

    static String write(StripeBill bill) {
        JsonArrayBuilder lines = JSON.createArrayBuilder();
        for (StripeBill.Line line : bill.lines()) {
            JsonObjectBuilder l = JSON.createObjectBuilder().add("quantity", line.quantity()).add("amount", line.amount())
                    .add("invoice_item", line.invoiceItem());
            text(l, "id", line.lineId());
            text(l, "price", line.priceId());
            text(l, "metric", line.metric());
            if (line.tiers() != null) {
                JsonArrayBuilder tiers = JSON.createArrayBuilder();
                for (PriceTiers.Tier t : line.tiers().tiers()) {
                    JsonObjectBuilder tier = JSON.createObjectBuilder().add("unit", t.unitAmount()).add("flat", t.flatAmount());
                    if (t.upTo() != null) {
                        tier.add("up_to", t.upTo());
                    }
                    tiers.add(tier);
                }
                l.add("tiers_mode", line.tiers().mode()).add("tiers", tiers);
            }
            lines.add(l);
        }
        JsonObjectBuilder json = JSON.createObjectBuilder().add("total", bill.total()).add("amount_due", bill.amountDue())
                .add("credit_notes", bill.creditNotesAmount()).add("lines", lines);
        text(json, "id", bill.invoiceId());
        text(json, "customer", bill.customerId());
        text(json, "acct_id", bill.acctId());
        text(json, "period", bill.period());
        text(json, "currency", bill.currency());
        text(json, "status", bill.status());
        return json.build().toString();
    }

    static StripeBill read(String text) {
        JsonObject json = JSON.createReader(new StringReader(text)).readObject();
        List<StripeBill.Line> lines = new ArrayList<>();
        for (JsonObject l : json.getJsonArray("lines").getValuesAs(JsonObject.class)) {
            PriceTiers tiers = null;
            if (l.containsKey("tiers")) {
                List<PriceTiers.Tier> list = new ArrayList<>();
                for (JsonObject t : l.getJsonArray("tiers").getValuesAs(JsonObject.class)) {
                    list.add(new PriceTiers.Tier(t.containsKey("up_to") ? t.getJsonNumber("up_to").longValue() : null,
                            new BigDecimal(t.getJsonNumber("unit").toString()), new BigDecimal(t.getJsonNumber("flat").toString())));
                }
                tiers = new PriceTiers(l.getString("tiers_mode"), list);
            }
            lines.add(new StripeBill.Line(l.getString("id", null), l.getString("price", null), l.getString("metric", null),
                    l.getJsonNumber("quantity").longValue(), l.getJsonNumber("amount").longValue(), tiers,
                    l.getBoolean("invoice_item")));
        }
        return new StripeBill(json.getString("id"), json.getString("customer", null), json.getString("acct_id", null),
                json.getString("period", null), json.getString("currency", null), json.getString("status", null),
                json.getJsonNumber("total").longValue(), json.getJsonNumber("amount_due").longValue(),
                json.getJsonNumber("credit_notes").longValue(), lines);
    }

    private static void text(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.add(name, JsonValue.NULL);
        } else {
            json.add(name, value);
        }
    }
}
