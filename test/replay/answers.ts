// Answers the real service has been seen to send, for the replay suite. Each names its
// source: "docs" (Z-API's docs repository at the commit in spec/zapi.yaml's info.x-zapi-docs),
// or "observed" with the public project that recorded it (zapi-facts.md lists them all).
// Tokens, phones and names are placeholders shaped like the real ones.
import { CLIENT_TOKEN } from "../hostile/hostile.js";

export interface ReplayAnswer {
  readonly id: string;
  readonly status: number;
  /** A JSON body, or raw text, or nothing at all. */
  readonly json?: unknown;
  readonly text?: string;
  readonly source: string;
}

/** An error answer, and what the client must make of it on every operation. */
export interface ErrorAnswer extends ReplayAnswer {
  readonly reason: string;
  readonly serverText: string | undefined;
}

/** Error bodies with 200, 400 and 403 (and the documented 405 and 415), served to every operation. */
export const ERROR_ANSWERS: readonly ErrorAnswer[] = [
  {
    id: "NOT_FOUND with 200",
    status: 200,
    json: { error: "NOT_FOUND", message: "Unable to find matching target resource method" },
    reason: "unknown-route",
    serverText: "NOT_FOUND: Unable to find matching target resource method",
    source: "observed: three projects' tests handle it arriving with 200; one saw it in production on qr-code/image",
  },
  { id: "Instance not found with 200", status: 200, json: { error: "Instance not found" }, reason: "instance-not-found", serverText: "Instance not found", source: "observed: incident notes (zapi-facts.md)" },
  { id: "null not allowed with 200", status: 200, json: { error: "null not allowed" }, reason: "client-token-missing", serverText: "null not allowed", source: "docs: security/client-token.md (no status); observed with 200 in a TS client's notes" },
  { id: "You are not connected with 200", status: 200, json: { error: "You are not connected" }, reason: "phone-not-connected", serverText: "You are not connected", source: "observed, weak: a project's test double" },
  {
    id: "client-token not configured, 400",
    status: 400,
    json: { error: "your client-token is not configured" },
    reason: "client-token-missing",
    serverText: "your client-token is not configured",
    source: "observed: jonesfernandess/zapi-cli skills/zapi-api/SKILL.md@70bed78",
  },
  { id: "Instance not found, 400", status: 400, json: { error: "Instance not found" }, reason: "instance-not-found", serverText: "Instance not found", source: "observed: iaze0088/IazeConnect zapi_test_report.md@5b01989" },
  {
    id: "subscription lapsed, 400",
    status: 400,
    json: { error: "To continue sending a message, you must subscribe to this instance again" },
    reason: "instance-subscription-expired",
    serverText: "To continue sending a message, you must subscribe to this instance again",
    source: "observed: a Java client matches 400 and this text together",
  },
  {
    id: "session to restore, 400",
    status: 400,
    json: { error: "You need to restore the session." },
    reason: "session-restore-needed",
    serverText: "You need to restore the session.",
    source: "docs: instance/status.md (as /status's error); its status as an error answer is a guess",
  },
  { id: "Client-Token null, 403", status: 403, json: { error: "Client-Token null not allowed" }, reason: "client-token-missing", serverText: "Client-Token null not allowed", source: "observed: a diagnosis script, 'Status 403'" },
  {
    id: "wrong Client-Token echoed, 403",
    status: 403,
    json: { error: `Client-Token ${CLIENT_TOKEN} not allowed` },
    reason: "client-token-wrong",
    serverText: "Client-Token [redacted] not allowed",
    source: "observed: jonesfernandess/zapi-cli skills/zapi-api/SKILL.md@70bed78 ('If wrong -> HTTP 403 Client-Token X not allowed')",
  },
  { id: "Client-Token not allowed, no value, 403", status: 403, json: { error: "Client-Token not allowed" }, reason: "client-token-wrong", serverText: "Client-Token not allowed", source: "observed, weak: one project's note" },
  { id: "405, no body", status: 405, text: "", reason: "method-not-allowed", serverText: undefined, source: "docs: every page's 405 note (no body documented)" },
  { id: "415, no body", status: 415, text: "", reason: "unsupported-media-type", serverText: undefined, source: "docs: every page's 415 note (no body documented)" },
  { id: "a text no one has seen, 400", status: 400, json: { error: "Something Z-API never said before" }, reason: "unknown", serverText: "Something Z-API never said before", source: "the client's rule for unknown texts" },
  { id: "an HTML page, 502", status: 502, text: "<html><body>Bad Gateway</body></html>\n", reason: "unknown", serverText: "<html><body>Bad Gateway</body></html>", source: "what a proxy in front of any service sends" },
];

/** 2xx answers with no body: success for an operation that changes state, an error for a read. */
export const EMPTY_ANSWERS: readonly ReplayAnswer[] = [
  { id: "204", status: 204, source: "observed: update-webhook-received answered 204 (2020 test notes)" },
  { id: "202, empty", status: 202, text: "", source: "observed: add/remove participant and admin, update-group-name, leave-group answered 'no body, status only' (2020 test notes)" },
  { id: "200, empty", status: 200, text: "", source: "observed: a bare 2xx from add-participant (zapi-facts.md)" },
];

/** Group metadata as the service sends it now: Linked IDs beside phones and in place of them. */
export const LID_METADATA: ReplayAnswer = {
  id: "group metadata with Linked IDs",
  status: 200,
  json: {
    phone: "120363019502650977-group",
    subject: "Comunidade",
    name: "Comunidade",
    owner: "5544999999999",
    creation: 1757387791000,
    participants: [
      { phone: "5544999999999", lid: "221783940681929@lid", isAdmin: true, isSuperAdmin: true },
      { phone: "81896604192873@lid", lid: "81896604192873@lid", isAdmin: false, isSuperAdmin: false },
      { phone: "5511988887777", lid: "", isAdmin: false, isSuperAdmin: false },
    ],
    invitationLink: null,
    unknownNewField: { anything: true },
  },
  source: "observed: participants {phone, lid, isAdmin, isSuperAdmin} 'confirmed live 2026-08-16'; phone as @lid in new communities; lid '' in a white-label copy (zapi-facts.md)",
};

/** /groups as logged in 2025-09: flags and counters as strings, fields the table lacks. */
export const STRING_FLAG_GROUPS: ReplayAnswer = {
  id: "groups with string flags",
  status: 200,
  json: [
    {
      pinned: "false",
      messagesUnread: "0",
      unread: "0",
      about: "",
      lastMessageTime: "1757985737000",
      isGroupAnnouncement: false,
      archived: "false",
      phone: "120363019502650977-group",
      name: "Grupo",
      communityId: "",
      isGroup: true,
      isMuted: "0",
      isMarkedSpam: "false",
      ephemeralExpiration: 0,
    },
  ],
  source: "observed: a /groups answer logged by a public project, 2025-09 (zapi-facts.md, Lists)",
};

/** Deliveries recorded from api.z-api.io (2025-09), membership events naming people by Linked ID. */
export const LID_DELIVERIES: readonly { readonly id: string; readonly delivery: Record<string, unknown>; readonly source: string }[] = [
  {
    id: "GROUP_PARTICIPANT_ADD by Linked ID",
    delivery: {
      chatLid: null,
      isGroup: true,
      isNewsletter: false,
      instanceId: "3E987B16F401B0FF1B8DA2BF932F5DDF",
      messageId: "3398127364512",
      phone: "120363019502650977-group",
      connectedPhone: "5544999999999",
      fromMe: false,
      momment: 1757389578000,
      expiresAt: null,
      status: "RECEIVED",
      chatName: "Grupo",
      senderPhoto: null,
      senderName: "Admin",
      photo: null,
      broadcast: false,
      type: "ReceivedCallback",
      notification: "GROUP_PARTICIPANT_ADD",
      notificationParameters: ["221783940681929@lid"],
      callId: null,
      code: null,
    },
    source: "observed: Setup-Automatizado/use-zedaapi raw-samples/sample-1757389578787.json@6a1fb661",
  },
  {
    id: "GROUP_PARTICIPANT_LEAVE by Linked ID, its digits in participantPhone",
    delivery: {
      chatLid: null,
      isGroup: true,
      isNewsletter: false,
      instanceId: "3E987B16F401B0FF1B8DA2BF932F5DDF",
      messageId: "3398127364513",
      phone: "120363019502650977-group",
      connectedPhone: "5544999999999",
      fromMe: false,
      momment: 1757383642000,
      status: "RECEIVED",
      chatName: "Grupo",
      senderName: "WhatsApp",
      participantPhone: "221783940681929",
      type: "ReceivedCallback",
      notification: "GROUP_PARTICIPANT_LEAVE",
      notificationParameters: ["221783940681929@lid"],
    },
    source: "observed: Setup-Automatizado/use-zedaapi raw-samples/sample-1757383642388.json@6a1fb661",
  },
  {
    id: "a group message with participantLid",
    delivery: {
      chatLid: null,
      isGroup: true,
      phone: "120363019502650977-group",
      participantPhone: "5544999999999",
      participantLid: "221783940681929@lid",
      messageId: "A20DA9C0183A2D35A260F53F5D2B9244",
      momment: 1757385158000,
      type: "ReceivedCallback",
      text: { message: "oi" },
    },
    source: "observed: Setup-Automatizado/use-zedaapi received_callback/text raw samples@6a1fb661",
  },
  {
    id: "MEMBERSHIP_APPROVAL_REQUEST naming a Linked ID",
    delivery: {
      isGroup: true,
      phone: "120363019502650977-group",
      messageId: "A20DA9C0183A2D35A260F53F5D2B9245",
      momment: 1757385158000,
      type: "ReceivedCallback",
      notification: "MEMBERSHIP_APPROVAL_REQUEST",
      notificationParameters: ["221783940681929@lid"],
      requestMethod: "invite_link",
      senderLid: "221783940681929@lid",
    },
    source: "issue 19's report (a join request handing out 221783940681929@lid); no public capture: the docs' examples carry phones",
  },
  {
    id: "GROUP_PARTICIPANT_INVITE, a kind the spec does not list",
    delivery: {
      isGroup: true,
      phone: "120363019502650977-group",
      messageId: "3398127364514",
      momment: 1757382766000,
      senderName: "invite",
      type: "ReceivedCallback",
      notification: "GROUP_PARTICIPANT_INVITE",
      notificationParameters: ["5544999999999"],
    },
    source: "observed: Setup-Automatizado/use-zedaapi raw-samples/sample-1757382766052.json@6a1fb661",
  },
];
