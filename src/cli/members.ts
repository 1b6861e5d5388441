// Who is in the target now: a group's members from its light metadata; a community's from
// the metadata of its announcement group (a community lists no members itself: its
// members are those of that group, says the communities introduction). A member is known
// by phone, or only by a Linked ID (`NNN@lid`) that no call turns into a phone.
//
// Older Brazilian mobiles are often registered on WhatsApp without the ninth digit that
// Brazil added to mobiles from 2012 to 2016: the member shows as 554499999999 when the list
// says 5544999999999. Z-API's own docs say so (contacts/get-iswhatsapp-batch.md:
// `outputPhone` is the number "formatted as WhatsApp answers, reflecting the WhatsApp
// registration and including the ninth digit, if there is one", in translation, and its
// example is the 12-digit 554499999999), and so do users of every WhatsApp library
// (adiwajshing/Baileys issue #1997, wwebjs/whatsapp-web.js issue #596,
// canove/whaticket-community issue #306: some numbers answer only with the 9, others only
// without it). So a phone matches a member written either way. Only the digits after the 9
// that old mobiles started with (6 to 9) are matched without it, so a mobile never matches
// a landline (2 to 5).
import type { ZApiClient } from "../index.js";
import { isLinkedId, personKey } from "../phones.js";
import type { Target } from "./plan.js";

export interface Members {
  /** The group read: the target, or a community's announcement group. */
  readonly groupId: string;
  /** Members known by phone, by their match key (see {@link matchKey}), with the phone as listed. */
  readonly byKey: ReadonlyMap<string, string>;
  /** Members known only by a Linked ID. */
  readonly lidOnly: ReadonlySet<string>;
  readonly total: number;
}

export type MembersReader = Pick<ZApiClient, "getCommunityMetadata" | "getLightGroupMetadata">;

/** The members could not be read. */
export class MembersError extends Error {}

/** Reads the target's members. Throws {@link MembersError} with what went wrong. */
export async function readMembers(client: MembersReader, target: Target, signal?: AbortSignal): Promise<Members> {
  let groupId = target.id;
  try {
    if (target.kind === "community") {
      const community = await client.getCommunityMetadata({ communityId: target.id }, signal ? { signal } : {});
      const announcements = community.subGroups?.find((group) => group.isGroupAnnouncement === true)?.phone;
      if (typeof announcements !== "string" || announcements === "") {
        throw new MembersError(`community ${target.id}'s metadata names no announcement group (the sub-group with isGroupAnnouncement: true), whose members are the community's`);
      }
      groupId = announcements;
    }
    const group = await client.getLightGroupMetadata({ groupId }, signal ? { signal } : {});
    return membersOf(groupId, (group.participants ?? []) as readonly { phone?: unknown; lid?: unknown }[]);
  } catch (error) {
    if (error instanceof MembersError) throw error;
    throw new MembersError(error instanceof Error ? error.message : String(error));
  }
}

/** The members of a metadata answer's `participants`. */
export function membersOf(groupId: string, participants: readonly { phone?: unknown; lid?: unknown }[]): Members {
  const byKey = new Map<string, string>();
  const lidOnly = new Set<string>();
  for (const participant of participants) {
    const phone = typeof participant.phone === "string" ? participant.phone.trim() : "";
    const digits = phone.replace(/@(c\.us|s\.whatsapp\.net)$/, "");
    if (/^[0-9]{6,15}$/.test(digits)) byKey.set(matchKey(digits), digits);
    else if (isLinkedId(phone)) lidOnly.add(phone);
    else if (typeof participant.lid === "string" && participant.lid !== "") lidOnly.add(participant.lid);
  }
  return { groupId, byKey, lidOnly, total: participants.length };
}

/** The key a phone is matched by: the same for a Brazilian mobile with and without its ninth digit. */
export const matchKey = personKey;

/** The member `phone` is, as the group lists it, or undefined. */
export function findMember(members: Members, phone: string): string | undefined {
  return members.byKey.get(matchKey(phone));
}

/** Linked IDs in `after` that `before` did not have: people who may be any of the phones not matched. */
export function newLinkedIds(before: Members | undefined, after: Members): number {
  if (!before) return after.lidOnly.size;
  let count = 0;
  for (const lid of after.lidOnly) if (!before.lidOnly.has(lid)) count++;
  return count;
}
