package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.Seller;
import com.adventive.billing.platform.control.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.List;

/** The seller block printed on every invoice, from SELLER_* settings. */
@ApplicationScoped
public class SellerProfile {

    @Inject
    Settings settings;

    public Seller current() {
        List<String> address = Arrays.stream(settings.text("SELLER_ADDRESS", "").split(";"))
                .map(String::trim).filter(line -> !line.isEmpty()).toList();
        return new Seller(settings.text("SELLER_NAME", "Adventive"), address,
                settings.text("SELLER_EMAIL", "billing@adventive.com"),
                settings.optional("SELLER_TAX_ID").orElse(null));
    }
}
