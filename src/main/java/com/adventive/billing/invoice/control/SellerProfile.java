package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.Seller;
import com.adventive.billing.platform.control.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


/** The seller block printed on every invoice, from SELLER_* settings. */
@ApplicationScoped
public class SellerProfile {

    @Inject
    Settings settings;

    public Seller current() {
        return new Seller(settings.sellerName(), settings.sellerAddressLines(), settings.sellerEmail(),
                settings.sellerTaxId().orElse(null));
    }
}
