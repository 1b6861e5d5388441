import { describe, expectTypeOf, it } from "vitest";
import { createWebhookHandler, type UnknownNotification, type WebhookEvent, type WebhookHandlerOptions, type WebhookRejection } from "../../src/index.js";
import type * as fromEntry from "../../src/webhooks/index.js";

declare const event: WebhookEvent;

describe("WebhookEvent's types", () => {
  it("carries the Linked IDs beside the phones, typed as the docs give them", () => {
    if (event.notification === "MEMBERSHIP_APPROVAL_REQUEST") {
      expectTypeOf(event.chatLid).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.senderLid).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.participantLid).toEqualTypeOf<string | null | undefined>();
    }
  });

  it("narrows on notification to the kind's own fields", () => {
    if (event.notification === "MEMBERSHIP_APPROVAL_REQUEST") {
      expectTypeOf(event.requestMethod).toEqualTypeOf<"invite_link" | "non_admin_add" | undefined>();
      const phones: string[] | undefined = event.notificationParameters;
      void phones;
    }
    switch (event.notification) {
      case "REVOKED_MEMBERSHIP_REQUESTS":
        expectTypeOf(event.notification).toEqualTypeOf<"REVOKED_MEMBERSHIP_REQUESTS">();
        // @ts-expect-error requestMethod belongs to MEMBERSHIP_APPROVAL_REQUEST, not here
        void event.requestMethod.length;
        break;
      case "GROUP_PARTICIPANT_ADD":
        expectTypeOf(event.notification).toEqualTypeOf<"GROUP_PARTICIPANT_ADD">();
        break;
    }
  });

  it("keeps the common fields on every kind", () => {
    expectTypeOf(event.messageId).toEqualTypeOf<string | undefined>();
    expectTypeOf(event.isGroup).toEqualTypeOf<boolean | undefined>();
  });

  it("types a kind the spec does not list apart from the known names", () => {
    expectTypeOf<UnknownNotification>().not.toBeString();
    // @ts-expect-error not a notification Z-API documents
    if (event.notification === "NOT_A_KIND") void 0;
  });
});

describe("createWebhookHandler's options' types", () => {
  it("gives onEvent a signal and onRejected the status and reason", () => {
    const options: WebhookHandlerOptions = {
      secret: "whsec-0123456789abcdef",
      onEvent: async (event, { signal }) => {
        expectTypeOf(event).toEqualTypeOf<WebhookEvent>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      },
      onRejected: (rejection) => expectTypeOf(rejection).toEqualTypeOf<WebhookRejection>(),
      logLevel: "info",
      eventTimeoutMs: 5_000,
      readTimeoutMs: 2_000,
      dedupeMaxBytes: 1 << 20,
    };
    expectTypeOf(createWebhookHandler(options)).toEqualTypeOf<(request: Request) => Promise<Response>>();
    // @ts-expect-error not a level
    void ({ ...options, logLevel: "verbose" } satisfies WebhookHandlerOptions);
  });

  it("is the same from zapi-client/webhooks", () => {
    expectTypeOf<typeof createWebhookHandler>().toEqualTypeOf<typeof fromEntry.createWebhookHandler>();
  });
});
