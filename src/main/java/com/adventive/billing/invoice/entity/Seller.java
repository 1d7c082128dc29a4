package com.adventive.billing.invoice.entity;

import java.util.List;

/**
 * The issuer shown at the top of every invoice: who bills, where they are, how to reach them.
 * Null parts render as empty; the address list is never null.
 */
public record Seller(String name, List<String> addressLines, String email, String taxId) {

    public Seller {
        name = name == null ? "" : name;
        addressLines = addressLines == null ? List.of() : List.copyOf(addressLines);
        email = email == null ? "" : email;
        taxId = taxId == null ? "" : taxId;
    }
}
