import type { Operations } from "../generated/operations.js";
import type { RetryOptions } from "./core/options.js";
import type { paths } from "../generated/zapi.js";

/** Each member of T, with every key that only other members have made impossible. */
type Exclusive<T extends object, All extends object = T> = T extends object
  ? T & { [K in Exclude<All extends object ? keyof All : never, keyof T>]?: never }
  : never;

type CredentialParams = "instanceId" | "token";
type Flat<T> = { [K in keyof T]: T[K] };
type PathInput<Op> = Op extends { parameters: { path: infer Path extends object } } ? Omit<Path, CredentialParams> : unknown;
// `query?: never` infers never under exactOptionalPropertyTypes, undefined without it.
type QueryInput<Op> = Op extends { parameters: { query?: infer Query } } ? ([Query] extends [never] ? unknown : [Query] extends [object] ? Query : unknown) : unknown;
type BodyInput<Op> = Op extends { requestBody?: { content: { "application/json": infer Body extends object } } } ? Exclusive<Body> : unknown;
type Distribute<T> = T extends unknown ? Flat<T> : never;

/**
 * What an operation that changes state resolves to when Z-API answers a 2xx with no body:
 * the call went through and Z-API acted, but said nothing more (the service has been seen
 * doing so; the docs show a body). Tell it from a result with `"emptyAnswer" in result`.
 */
export interface EmptyAnswer {
  readonly emptyAnswer: true;
  /** The 2xx status Z-API answered, such as 204. */
  readonly status: number;
}

/**
 * One operation's types, from its openapi-typescript form: `input` holds its path and
 * query parameters and its body's fields by name, flat (the body's forms stay exclusive,
 * and are named `Forms` where the spec names them); `result` is its 200 body, or an
 * {@link EmptyAnswer} for an operation that changes state; `list` says whether the method
 * walks pages ({@link PagePromise}).
 */
export interface OperationTypes<Op, ChangesState extends boolean = false, Forms = never, List extends boolean = false> {
  input: [Forms] extends [never] ? Distribute<PathInput<Op> & QueryInput<Op> & BodyInput<Op>> : Forms;
  result: (Op extends { responses: { 200: { content: { "application/json": infer Result } } } } ? Result : never) | (ChangesState extends true ? EmptyAnswer : never);
  list: List;
}

/**
 * What a list operation's method returns: a promise of the page asked for, which can also
 * be walked with `for await`, item by item, from that page through the last one (a page
 * shorter than the page size asked for, or an empty one).
 */
export interface PagePromise<Page> extends Promise<Page>, AsyncIterable<Page extends readonly (infer Item)[] ? Item : never> {}

/** Options of one call. */
export interface CallOptions {
  /**
   * Aborts the call, including any wait between retries. A signal whose reason is a
   * `TimeoutError` (`AbortSignal.timeout(ms)`) ends it with a `ZApiTimeoutError`.
   */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call, in ms; overrides the client's. */
  timeoutMs?: number | undefined;
  /** This call's retry policy, laid over the client's; `false` for one attempt. */
  retry?: false | RetryOptions | undefined;
}

type Returned<Name extends keyof Operations> = Operations[Name]["list"] extends true ? PagePromise<Operations[Name]["result"]> : Promise<Operations[Name]["result"]>;

/** One method per operationId of the spec; the input may be left out when every field is optional. */
export type ZApiMethods = {
  [Name in keyof Operations]: {} extends Operations[Name]["input"]
    ? (input?: Operations[Name]["input"], options?: CallOptions) => Returned<Name>
    : (input: Operations[Name]["input"], options?: CallOptions) => Returned<Name>;
};

/** The URL prefix that the client fills in from its credentials. */
export type CredentialsPrefix = "/instances/{instanceId}/token/{token}";

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

declare const unknownNotification: unique symbol;
/**
 * A `notification` name the spec does not list (a kind Z-API added later, a plain message's
 * absent one). At run time it is the string Z-API sent: read it with `String(event.notification)`.
 * It is typed apart from strings so that checking `notification` against a known name
 * narrows the event to that kind's fields.
 */
export interface UnknownNotification {
  readonly [unknownNotification]: "a notification name the spec does not list";
}

type Narrowable<Delivery> = Delivery extends { notification?: infer Name }
  ? string extends NonNullable<Name>
    ? { [K in keyof Delivery as K extends "notification" ? never : K]: Delivery[K] } & { notification?: UnknownNotification }
    : Flat<Delivery>
  : Flat<Delivery>;

/** A delivery as a union discriminated by `notification`. */
export type WebhookEventOf<Delivery> = Narrowable<Delivery>;
