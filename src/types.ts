import type { components, paths } from "../generated/zapi.js";

type Schemas = components["schemas"];

/** Each member of T, with every key that only other members have made impossible. */
type Exclusive<T extends object, All extends object = T> = T extends object
  ? T & { [K in Exclude<All extends object ? keyof All : never, keyof T>]?: never }
  : never;

/**
 * The add-participant body: the community form (`communityId`) or the group form
 * (`groupId`), never both. Phones may be written as people do (`+55 (44) 99999-9999`);
 * the client reduces them to digits and drops repeats before checking.
 */
export type AddParticipantBody = Exclusive<Schemas["CommunityParticipantRequest"] | Schemas["GroupParticipantRequest"]>;

/** What a 200 carries: `value` is false when Z-API says the operation failed. */
export type AddParticipantResult = Schemas["AddParticipantResult"];

/** Options of one `addParticipant` call. */
export interface CallOptions {
  /** Aborts the call, including any wait between retries. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, in ms; overrides the client's. */
  timeoutMs?: number;
}

/** The URL prefix that the client fills in from its credentials. */
export type CredentialsPrefix = "/instances/{instanceId}/token/{token}";
type CredentialParams = "instanceId" | "token";

type WithoutCredentials<Parameters> = Parameters extends { path: infer Path }
  ? Omit<Parameters, "path"> &
      (Exclude<keyof Path, CredentialParams> extends never ? { path?: never } : { path: Omit<Path, CredentialParams> })
  : Parameters;

type OperationWithoutCredentials<Operation> = Operation extends { parameters: infer Parameters }
  ? Omit<Operation, "parameters"> & { parameters: WithoutCredentials<Parameters> }
  : Operation;

/**
 * The spec's paths as `api` sees them: relative to the credentials prefix, without the
 * `instanceId` and `token` parameters, which the client fills in.
 */
export type CredentialedPaths = {
  [P in keyof paths as P extends `${CredentialsPrefix}${infer Rest}` ? Rest : never]: {
    [M in keyof paths[P]]: OperationWithoutCredentials<paths[P][M]>;
  };
};
