package io.touchpoint.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.TouchpointEvent;
import io.touchpoint.journey.service.TouchpointParser;

/** Identifier types and normalisation as deploy/contracts/tracking-plan.md defines them, read from the contract samples. */
class IdentifierTest {

    private static TouchpointEvent sample(String name) throws IOException {
        return TouchpointParser.parse(Files.readString(ContractSchemas.CONTRACTS.resolve("samples/touchpoints.v1." + name + ".json")));
    }

    @Test
    void identifySampleCarriesEmailPhoneAndDevice() throws IOException {
        assertEquals(List.of(new Identifier("email", "jane@example.com"), new Identifier("phone", "+4915112345678"),
                new Identifier("device_id", "B5372DB0-C21E-11E4-8DFC-AA07A5B093DB")), sample("identify").traitIdentifiers());
    }

    @Test
    void contactCenterCallerIdLinksAsPhoneAndSocialHandleAsHandle() throws IOException {
        assertEquals(List.of(new Identifier("phone", "+15551234567")), sample("case_resolved").traitIdentifiers());
        assertEquals(List.of(new Identifier("social_handle", "twitter:janedoe")), sample("social_mention").traitIdentifiers());
        assertEquals(List.of(), sample("track").traitIdentifiers());
    }

    @Test
    void normalisation() {
        assertEquals(Optional.of(new Identifier("email", "jane@example.com")), Identifier.normalised("email", " Jane@Example.COM "));
        assertEquals(Optional.empty(), Identifier.normalised("email", "not-an-address"));
        assertEquals(Optional.of(new Identifier("phone", "+4915112345678")), Identifier.normalised("phone", "+49 (151) 123-456 78"));
        assertEquals(Optional.of(new Identifier("phone", "+4915112345678")), Identifier.normalised("phone", "0049 151 12345678"));
        assertEquals(Optional.empty(), Identifier.normalised("phone", "0"));
        assertEquals(Optional.empty(), Identifier.normalised("phone", "-1"));
        assertEquals(Optional.of(new Identifier("social_handle", "twitter:janedoe")),
                Identifier.normalised("social_handle", "Twitter:@JaneDoe"));
        assertEquals(Optional.empty(), Identifier.normalised("social_handle", "@janedoe"));
        assertEquals(Optional.of(new Identifier("device_id", "Dev-1")), Identifier.normalised("device_id", "Dev-1"));
        assertEquals(Optional.of(new Identifier("external:crm_id", "CRM-7")), Identifier.normalised("external:crm_id", "CRM-7"));
        assertEquals(Optional.empty(), Identifier.normalised("fax", "123"));
    }

    @Test
    void traitsContextTraitsSocialHandlesAndOtherExternalIds() {
        TouchpointEvent e = TouchpointParser.parse("""
                {"schemaVersion":1,"messageId":"m","type":"track","event":"X","channel":"web","sourceId":"s",
                 "anonymousId":"a","receivedAt":"2026-11-23T10:00:00.000Z","timestamp":"2026-11-23T10:00:00.000Z",
                 "traits":{"socialHandles":{"instagram":"@Jane.Doe","twitter":"JaneD"}},
                 "properties":{"email":"ignored-on-track@example.com"},
                 "context":{"traits":{"email":"Jane@Example.com","phone":"+1 555 123 4567"},
                            "externalIds":[{"id":"CRM-7","type":"crm_id","collection":"users","encoding":"none"},
                                           {"id":"+1 555 123 4567","type":"caller_id","collection":"users","encoding":"none"}]}}""");
        assertEquals(Set.of(new Identifier("social_handle", "instagram:jane.doe"), new Identifier("social_handle", "twitter:janed"),
                new Identifier("email", "jane@example.com"), new Identifier("phone", "+15551234567"),
                new Identifier("external:crm_id", "CRM-7")), Set.copyOf(e.traitIdentifiers()));
    }
}
