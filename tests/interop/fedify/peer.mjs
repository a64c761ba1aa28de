// A Fedify app on loopback that fedinet's interop tests federate with.
//
//   node peer.mjs [PORT]        (or FEDIFY_PEER_PORT; 0 or nothing picks a free port)
//
// One actor, /users/fedi (a Person with an RSA key for HTTP Signatures and an
// Ed25519 key for FEP-8b32 proofs, both made at start), its followers and following
// collections, its Notes, and an inbox (personal and shared /inbox) that records every
// activity it accepts together with the verification facts.  A JSON control API under
// /_control/ lets the tests make it act (follow, post, like, ...) and read what it saw.
// It also checks and makes FEP-8b32 proofs on any JSON document with Fedify's own
// verifyProof/createProof (verify-proof, sign) and delivers raw activities signed with
// Fedify's signRequest (send-raw), for fedinet's own object types Fedify does not know.
// Prints "READY http://127.0.0.1:PORT" once it listens.  State lives in memory only.
//
// There is no message queue: ctx.sendActivity() delivers before it returns, and inbox
// listeners run inside the inbox request, so a control call that sends has delivered
// (or failed with an error) by the time it answers.  Replies the peer makes by itself
// (Accept/Reject for a Follow) are sent right after the inbox request was answered;
// POST /_control/settle waits for them.

import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { Temporal } from "@js-temporal/polyfill";
import {
  createFederation,
  createProof,
  generateCryptoKeyPair,
  getKeyOwner,
  MemoryKvStore,
  signRequest,
  verifyObject,
  verifyProof,
  verifyRequestDetailed,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Create,
  DataIntegrityProof,
  Delete,
  Endpoints,
  Follow,
  isActor,
  Like,
  Mention,
  Note,
  Object as APObject,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";

const HOST = "127.0.0.1";
const IDENTIFIER = "fedi";
const INBOX_TYPES = [Follow, Accept, Reject, Undo, Create, Update, Delete, Like, Announce];

// ---------------------------------------------------------------------------
// Logging: Fedify logs through LogTape; FEDIFY_PEER_LOG=debug|info|warning shows it
// on stderr (the "fedify.sig" category says why a signature was rejected).
if (process.env.FEDIFY_PEER_LOG) {
  const { configure, getConsoleSink } = await import("@logtape/logtape");
  await configure({
    sinks: { console: getConsoleSink() },
    loggers: [
      { category: "fedify", lowestLevel: process.env.FEDIFY_PEER_LOG, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

// ---------------------------------------------------------------------------
// Per-request store: the raw body and our own verification of an inbox POST, and
// the facts Fedify's inbox span records about it (see recordingTracerProvider).
const requestStore = new AsyncLocalStorage();

/** A minimal OpenTelemetry TracerProvider that keeps only the inbox span's events. */
function recordingTracerProvider() {
  const INVALID = { traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 };
  class Span {
    constructor(name, recording) {
      this.name = name;
      this.recording = recording;
      this.attributes = {};
      this.events = [];
    }
    setAttribute(key, value) {
      if (this.recording) this.attributes[key] = value;
      return this;
    }
    setAttributes(attributes) {
      if (this.recording) Object.assign(this.attributes, attributes);
      return this;
    }
    addEvent(name, attributes) {
      if (this.recording) this.events.push({ name, attributes: attributes ?? {} });
      return this;
    }
    addLink() { return this; }
    addLinks() { return this; }
    setStatus() { return this; }
    updateName(name) { this.name = name; return this; }
    end() {}
    isRecording() { return this.recording; }
    recordException() {}
    spanContext() { return INVALID; }
  }
  const tracer = {
    startSpan(name) {
      return new Span(name, false);
    },
    startActiveSpan(name, ...args) {
      const fn = args[args.length - 1];
      const store = requestStore.getStore();
      const recording = name === "activitypub.inbox" && store != null;
      const span = new Span(name, recording);
      if (recording) store.inboxSpan = span;
      return fn(span);
    },
  };
  return { getTracer: () => tracer };
}

// ---------------------------------------------------------------------------
// State (in memory).
const state = {
  inbox: [], // accepted activities, in arrival order
  rejected: [], // activities Fedify refused as unverified (401)
  errors: [], // errors from listeners and background replies
  followers: new Map(), // actor id → { id, inbox, sharedInbox, followId }
  following: new Map(), // actor id → { target, followId, state }
  notes: new Map(), // note id → { note, create, audience, deleted }
  sent: new Map(), // activity id → { id, type, activity, recipients, json }
  rawSent: [], // activities POSTed by /_control/send-raw: { id, type, inbox, spec, status, body, json }
  followPolicy: "accept", // "accept" | "reject" | "manual"
  pending: new Set(), // background replies in flight
};

// 2048-bit RSA like Mastodon's keys (Fedify's generateCryptoKeyPair makes 4096-bit
// ones, which takes up to a second to generate).
const rsaKeys = await crypto.subtle.generateKey(
  { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  true,
  ["sign", "verify"],
);
const ed25519Keys = await generateCryptoKeyPair("Ed25519");

// ---------------------------------------------------------------------------
// The HTTP server listens first, so a port of 0 yields a free one without races;
// the federation is made with the origin it got.
const requestedPort = Number(process.argv[2] ?? process.env.FEDIFY_PEER_PORT ?? 0);
const server = http.createServer((req, res) => {
  handleNodeRequest(req, res).catch((error) => {
    console.error("request failed:", error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error?.stack ?? error));
  });
});
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(requestedPort, HOST, resolve);
});
const ORIGIN = `http://${HOST}:${server.address().port}`;

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  allowPrivateAddress: true, // loopback peers; never outside tests
  tracerProvider: recordingTracerProvider(),
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      summary: "A Fedify test peer for fedinet's interop tests.",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      manuallyApprovesFollowers: state.followPolicy === "manual",
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) =>
    identifier === IDENTIFIER ? [rsaKeys, ed25519Keys] : []
  );

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
  if (identifier !== IDENTIFIER) return null;
  return {
    items: [...state.followers.values()].map((f) => ({
      id: new URL(f.id),
      inboxId: f.inbox ? new URL(f.inbox) : null,
      endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
    })),
  };
});

federation.setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
  if (identifier !== IDENTIFIER) return null;
  return {
    items: [...state.following.values()]
      .filter((f) => f.state === "accepted")
      .map((f) => new URL(f.target)),
  };
});

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
  if (values.identifier !== IDENTIFIER) return null;
  const entry = state.notes.get(ctx.getObjectUri(Note, values).href);
  if (entry == null || entry.deleted) return null;
  return entry.note;
});

const inbox = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
for (const cls of INBOX_TYPES) {
  inbox.on(cls, async (ctx, activity) => {
    const record = await recordActivity(ctx, activity);
    try {
      await react(ctx, activity, record);
    } catch (error) {
      state.errors.push({ where: `inbox ${record.type}`, id: record.id, error: describe(error) });
    }
  });
}
// Anything else (types not listed above) is still recorded.
inbox.on(Activity, async (ctx, activity) => {
  await recordActivity(ctx, activity);
});
inbox.onError((_ctx, error) => {
  state.errors.push({ where: "inbox", error: describe(error) });
});
inbox.onUnverifiedActivity((_ctx, activity, reason) => {
  const store = requestStore.getStore();
  state.rejected.push({
    type: activityType(activity),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    reason: {
      type: reason.type,
      keyId: reason.keyId?.href ?? null,
      status: reason.result?.status ?? null,
    },
    json: store?.json ?? null,
    verification: store?.verification ?? null,
    receivedAt: new Date().toISOString(),
  });
  // Returning nothing keeps Fedify's default 401.
});

// ---------------------------------------------------------------------------
// Recording and reacting to received activities.

function activityType(activity) {
  return activity.constructor?.name ?? "Activity";
}

async function recordActivity(ctx, activity) {
  const store = requestStore.getStore() ?? {};
  const event = store.inboxSpan?.events.find((e) => e.name === "activitypub.activity.received");
  const attrs = event?.attributes ?? {};
  const json = store.json ?? (await activity.toJsonLd());
  const record = {
    type: activityType(activity),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: objectId(json),
    objectType: typeof json?.object === "object" && json.object != null ? json.object.type ?? null : null,
    recipient: ctx.recipient, // "fedi" for the personal inbox, null for the shared one
    inboxPath: store.path ?? null,
    json,
    verification: {
      // What Fedify's inbox itself concluded (how it let the activity in).
      fedify: {
        activityVerified: attrs["activitypub.activity.verified"] ?? null,
        ldSignatureVerified: attrs["ld_signatures.verified"] ?? null,
        httpSignatureVerified: attrs["http_signatures.verified"] ?? null,
        httpSignatureKeyId: attrs["http_signatures.key_id"] || null,
      },
      // Our own checks with Fedify's verifiers, every mechanism separately.
      ...(store.verification ?? {}),
    },
    receivedAt: new Date().toISOString(),
  };
  state.inbox.push(record);
  return record;
}

function objectId(json) {
  const object = json?.object;
  if (typeof object === "string") return object;
  if (object != null && typeof object === "object" && typeof object.id === "string") return object.id;
  return null;
}

async function react(ctx, activity, record) {
  if (activity instanceof Follow) {
    if (activity.objectId?.href !== ctx.getActorUri(IDENTIFIER).href) return;
    const follower = await activity.getActor(ctx);
    if (!isActor(follower) || follower.id == null) throw new Error("the Follow's actor is not an actor");
    const entry = {
      id: follower.id.href,
      inbox: follower.inboxId?.href ?? null,
      sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
      followId: activity.id?.href ?? null,
      state: "pending",
    };
    if (state.followPolicy === "manual") {
      state.followRequests ??= new Map();
      state.followRequests.set(entry.id, { entry, follow: activity, follower });
      return;
    }
    const accept = state.followPolicy === "accept";
    if (accept) {
      entry.state = "accepted";
      state.followers.set(entry.id, entry);
    }
    const Reply = accept ? Accept : Reject;
    const reply = new Reply({
      id: newId(accept ? "accepts" : "rejects"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: activity,
      to: follower.id,
    });
    inBackground(`send ${accept ? "Accept" : "Reject"} for ${record.id}`, () =>
      send(ctx, reply, [follower])
    );
  } else if (activity instanceof Accept || activity instanceof Reject) {
    const followId = activity.objectId?.href ?? objectId(record.json);
    for (const entry of state.following.values()) {
      if (entry.followId === followId || (followId == null && entry.target === record.actor)) {
        entry.state = activity instanceof Accept ? "accepted" : "rejected";
        entry.answeredBy = record.id;
      }
    }
  } else if (activity instanceof Undo) {
    const undone = objectId(record.json);
    const innerType = record.objectType;
    for (const [id, entry] of state.followers) {
      if (entry.followId === undone || (innerType === "Follow" && id === record.actor)) {
        state.followers.delete(id);
      }
    }
  }
}

/** Runs a reply after the current inbox request was answered; POST /_control/settle awaits it. */
function inBackground(what, fn) {
  const task = new Promise((resolve) => setImmediate(resolve))
    .then(fn)
    .catch((error) => {
      state.errors.push({ where: what, error: describe(error) });
    })
    .finally(() => state.pending.delete(task));
  state.pending.add(task);
}

// ---------------------------------------------------------------------------
// Our own verification of an inbox POST, made with Fedify's public verifiers before
// the request reaches Fedify's inbox.  Fedify's inbox stops at the first mechanism that
// verifies (LD signature, then FEP-8b32 proof, then HTTP signature), so on its own it
// would not say whether the HTTP signature of a request with a valid proof was good.

function signatureHeaderFacts(request) {
  const input = request.headers.get("signature-input");
  const signature = request.headers.get("signature");
  if (input) {
    const keyid = /keyid="([^"]*)"/i.exec(input)?.[1] ?? null;
    const alg = /alg="([^"]*)"/i.exec(input)?.[1] ?? null;
    const components = /\(([^)]*)\)/.exec(input)?.[1] ?? null;
    return { scheme: "rfc9421", keyId: keyid, algorithm: alg, components };
  }
  if (signature) {
    const keyId = /keyId="([^"]*)"/.exec(signature)?.[1] ?? null;
    const alg = /algorithm="([^"]*)"/.exec(signature)?.[1] ?? null;
    const headers = /headers="([^"]*)"/.exec(signature)?.[1] ?? null;
    return { scheme: "draft-cavage", keyId, algorithm: alg, components: headers };
  }
  return { scheme: null, keyId: null, algorithm: null, components: null };
}

async function verifyHttpSignature(request, json, loaders) {
  const facts = {
    ...signatureHeaderFacts(request),
    digest: request.headers.get("content-digest") ? "content-digest"
      : request.headers.get("digest") ? "digest" : null,
    verified: false,
    verifiedKeyId: null,
    keyOwner: null,
    ownerIsActor: null,
    failure: null,
  };
  if (facts.scheme == null) {
    facts.failure = "noSignature";
    return facts;
  }
  try {
    const result = await verifyRequestDetailed(request.clone(), loaders);
    if (!result.verified) {
      facts.failure = result.reason.type;
      if (result.reason.result?.status != null) facts.failure += ` (HTTP ${result.reason.result.status})`;
      return facts;
    }
    facts.verified = true;
    facts.verifiedKeyId = result.key.id?.href ?? null;
    const owner = await getKeyOwner(result.key, loaders);
    facts.keyOwner = owner?.id?.href ?? null;
    const actor = typeof json?.actor === "string" ? json.actor : json?.actor?.id ?? null;
    facts.ownerIsActor = facts.keyOwner != null && facts.keyOwner === actor;
  } catch (error) {
    facts.failure = `error: ${describe(error).message}`;
  }
  return facts;
}

async function verifyProofs(document, context, loaders) {
  if (document == null || typeof document !== "object" || document.proof == null) return [];
  const jsonLd = document["@context"] ? document : { "@context": context, ...document };
  const results = [];
  try {
    const object = await APObject.fromJsonLd(jsonLd, loaders);
    for await (const proof of object.getProofs(loaders)) {
      const fact = {
        type: "DataIntegrityProof",
        cryptosuite: proof.cryptosuite ?? null,
        verificationMethod: proof.verificationMethodId?.href ?? null,
        proofPurpose: proof.proofPurpose ?? null,
        verified: false,
        keyId: null,
        controller: null,
      };
      try {
        const key = await verifyProof(jsonLd, proof, loaders);
        if (key != null) {
          fact.verified = true;
          fact.keyId = key.id?.href ?? null;
          fact.controller = key.controllerId?.href ?? null;
        }
      } catch (error) {
        fact.failure = describe(error).message;
      }
      results.push(fact);
    }
  } catch (error) {
    results.push({ verified: false, failure: `cannot parse: ${describe(error).message}` });
  }
  return results;
}

async function verifyInboxPost(request, json) {
  const ctx = federation.createContext(new URL(request.url), undefined);
  const loaders = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
  const facts = {
    httpSignature: await verifyHttpSignature(request, json, loaders),
    proofs: [],
    proofVerified: null,
    objectProofs: [],
    ldSignature: null,
  };
  if (json != null && typeof json === "object") {
    const { signature, ...withoutSignature } = json;
    if (signature != null) {
      facts.ldSignature = {
        type: signature.type ?? null,
        creator: signature.creator ?? null,
      };
    }
    facts.proofs = await verifyProofs(withoutSignature, json["@context"], loaders);
    if (withoutSignature.proof != null) {
      try {
        // All proofs valid and every actor/attribution covered: what Fedify's inbox needs.
        facts.proofVerified = (await verifyObject(Activity, withoutSignature, loaders)) != null;
      } catch (error) {
        facts.proofVerified = false;
      }
    }
    if (json.object != null && typeof json.object === "object") {
      facts.objectProofs = await verifyProofs(json.object, json["@context"], loaders);
    }
  }
  return facts;
}

// ---------------------------------------------------------------------------
// FEP-8b32 proofs on any JSON document.  fedinet's objects (Vouch, Introduction, ...) are
// not in Fedify's vocabulary, so Fedify's object classes cannot parse or re-serialise them;
// the proofs are still checked and made by Fedify's own code, on the JSON as it is:
// verifyProof(jsonLd, DataIntegrityProof, loaders) and createProof(...).

const DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v1";
const NOT_NESTED = new Set(["@context", "proof", "signature"]);
const MAX_NESTING = 16;

function proofList(value) {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The ids a document names as its author(s): `attributedTo` of an object, `actor` of an activity. */
function attributionIds(document) {
  const ids = [];
  for (const key of ["attributedTo", "actor"]) {
    for (const value of proofList(document[key])) {
      const id = typeof value === "string" ? value : typeof value?.id === "string" ? value.id : null;
      if (id != null && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** Every object in `node` that carries a proof, outermost first, with the @context it is read in. */
function* signedNodes(node, path, inheritedContext, depth = 0) {
  if (depth > MAX_NESTING || node == null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* signedNodes(node[i], `${path}[${i}]`, inheritedContext, depth + 1);
    return;
  }
  const context = node["@context"] ?? inheritedContext;
  if (node.proof != null) yield { path, node, context };
  for (const [key, value] of Object.entries(node)) {
    if (!NOT_NESTED.has(key)) yield* signedNodes(value, `${path}.${key}`, context, depth + 1);
  }
}

/** One proof of `document` (the object exactly as signed), checked with Fedify's verifyProof. */
async function checkProof(document, proofJson, context, loaders) {
  const fact = {
    type: proofJson?.type ?? null,
    cryptosuite: proofJson?.cryptosuite ?? null,
    verificationMethod: proofJson?.verificationMethod ?? null,
    proofPurpose: proofJson?.proofPurpose ?? null,
    created: proofJson?.created ?? null,
    verified: false,
    keyId: null,
    controller: null,
    failure: null,
  };
  if (proofJson == null || typeof proofJson !== "object" || Array.isArray(proofJson)) {
    fact.failure = "the proof is not an object";
    return fact;
  }
  let proof;
  try {
    // A proof is read in its own @context (fedinet's and Fedify's proofs carry the document's),
    // else in the enclosing document's.
    const withContext = proofJson["@context"] != null
      ? proofJson
      : { "@context": context ?? DATA_INTEGRITY_CONTEXT, ...proofJson };
    proof = await DataIntegrityProof.fromJsonLd(withContext, loaders);
  } catch (error) {
    fact.failure = `cannot parse the proof: ${describe(error).message}`;
    return fact;
  }
  try {
    const key = await verifyProof(document, proof, loaders);
    if (key == null) {
      // verifyProof only says null; name the likely cause (Fedify's debug log has the rest).
      fact.failure = proof.cryptosuite !== "eddsa-jcs-2022" ? "unsupported cryptosuite"
        : proof.proofPurpose !== "assertionMethod" ? "proofPurpose is not assertionMethod"
        : proof.created == null ? "the proof has no created time"
        : "the signature does not verify with the key (or the key cannot be fetched or is not Ed25519)";
    } else {
      fact.verified = true;
      fact.keyId = key.id?.href ?? null;
      fact.controller = key.controllerId?.href ?? null;
    }
  } catch (error) {
    fact.failure = `error: ${describe(error).message}`;
  }
  return fact;
}

/**
 * Every proof in `document`, the top-level ones and those of embedded signed objects (each
 * verified on its own, as embedded).  `verified`: the document has a proof, every proof of
 * every signed object in it verifies, and each such object's author (attributedTo/actor) is
 * the controller of a key that signed it, as Fedify's verifyObject requires.
 */
async function verifyDocumentProofs(document, loaders) {
  if (document == null || typeof document !== "object" || Array.isArray(document)) {
    throw new Error('"document" must be a JSON object');
  }
  const objects = [];
  for (const { path, node, context } of signedNodes(document, "$", undefined)) {
    const authors = attributionIds(node);
    const proofs = [];
    for (const proofJson of proofList(node.proof)) proofs.push(await checkProof(node, proofJson, context, loaders));
    const controllers = proofs.filter((p) => p.verified).map((p) => p.controller);
    const proofsVerified = proofs.length > 0 && proofs.every((p) => p.verified);
    const authorsCovered = authors.length > 0 && authors.every((a) => controllers.includes(a));
    objects.push({
      path,
      type: node.type ?? null,
      id: node.id ?? null,
      authors,
      proofs,
      proofsVerified,
      authorsCovered,
      verified: proofsVerified && authorsCovered,
    });
  }
  const top = objects.find((o) => o.path === "$") ?? null;
  return {
    verified: top != null && objects.every((o) => o.verified),
    details: {
      hasProof: top != null,
      proofs: top?.proofs ?? [],
      authors: top?.authors ?? attributionIds(document),
      objects,
    },
  };
}

/** The peer actor's Ed25519 key pair, with its Multikey id (#multikey-2). */
async function ed25519KeyPair(ctx) {
  const pair = (await ctx.getActorKeyPairs(IDENTIFIER)).find((k) => k.privateKey.algorithm.name === "Ed25519");
  if (pair == null || pair.multikey?.id == null) throw new Error("the peer actor has no Ed25519 key");
  return pair;
}

/**
 * `document` with an eddsa-jcs-2022 proof by the peer actor's Ed25519 key, made by Fedify's
 * createProof; added to the proofs it has (a proof set).  createProof serialises a Fedify
 * object (`object.clone({proofs: []}).toJsonLd()`); the stand-in below serialises to the
 * document as given, so Fedify signs exactly that JSON (after its usual outgoing
 * normalisation, which leaves documents with full-URI audiences and no attachments as they are).
 */
async function signDocument(ctx, document) {
  if (document == null || typeof document !== "object" || Array.isArray(document)) {
    throw new Error('"document" must be a JSON object');
  }
  const { proof: existing, ...unsecured } = document;
  if (unsecured.signature != null) throw new Error("FEP-8b32 proofs are made before a Linked Data signature; remove it");
  const pair = await ed25519KeyPair(ctx);
  const standIn = { clone: () => ({ toJsonLd: async () => structuredClone(unsecured) }) };
  const proof = await createProof(standIn, pair.privateKey, pair.multikey.id, { contextLoader: ctx.contextLoader });
  const proofJson = await proof.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  // As Fedify embeds proofs in the compact form of an object: the proof names the document's
  // @context, the one its signature covers (vc-di-eddsa: proof.@context = document.@context).
  if (unsecured["@context"] !== undefined) proofJson["@context"] = structuredClone(unsecured["@context"]);
  else delete proofJson["@context"];
  const proofs = [...proofList(existing), proofJson];
  return {
    document: { ...unsecured, proof: proofs.length === 1 ? proofs[0] : proofs },
    proof: proofJson,
    keyId: pair.multikey.id.href,
  };
}

/**
 * POSTs `activity` (JSON, as given) to `inbox`, HTTP-signed with the peer actor's RSA key by
 * Fedify's signRequest, the way Fedify's sender builds a delivery (one knock, no retry).
 */
async function sendRaw(ctx, activity, inbox, spec) {
  const pair = (await ctx.getActorKeyPairs(IDENTIFIER)).find((k) => k.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5");
  if (pair == null) throw new Error("the peer actor has no RSA key");
  const request = new Request(inbox, {
    method: "POST",
    headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
    body: JSON.stringify(activity),
  });
  const signed = await signRequest(request, pair.privateKey, pair.keyId, { spec });
  const response = await fetch(signed);
  return { status: response.status, body: await response.text() };
}

// ---------------------------------------------------------------------------
// Sending.

function newId(kind) {
  return new URL(`/users/${IDENTIFIER}/${kind}/${crypto.randomUUID()}`, ORIGIN);
}

function controlContext() {
  return federation.createContext(new URL(ORIGIN), undefined);
}

async function send(ctx, activity, recipients, options = {}) {
  const unique = new Map();
  for (const r of recipients) if (r?.id != null) unique.set(r.id.href, r);
  const list = [...unique.values()];
  const json = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
  state.sent.set(activity.id.href, {
    id: activity.id.href,
    type: activityType(activity),
    activity,
    recipients: list,
    json,
    sentAt: new Date().toISOString(),
  });
  if (list.length > 0) {
    await ctx.sendActivity({ identifier: IDENTIFIER }, list, activity, {
      preferSharedInbox: options.preferSharedInbox ?? false,
    });
  }
  return { id: activity.id.href, type: activityType(activity), recipients: list.map((r) => r.id.href), json };
}

async function lookupActor(ctx, url) {
  const object = await ctx.lookupObject(url);
  if (!isActor(object)) throw new Error(`${url} is not an actor (got ${object?.constructor?.name ?? "nothing"})`);
  return object;
}

function followerRecipients() {
  return [...state.followers.values()].map((f) => ({
    id: new URL(f.id),
    inboxId: f.inbox ? new URL(f.inbox) : null,
    endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
  }));
}

/** The author of a remote object, to deliver Likes and Announces to. */
async function authorOf(ctx, objectUrl) {
  const object = await ctx.lookupObject(objectUrl);
  if (object == null) throw new Error(`cannot look up ${objectUrl}`);
  if (isActor(object)) return object;
  const author = await object.getAttribution?.(ctx);
  if (author != null && isActor(author)) return author;
  throw new Error(`${objectUrl} has no author to deliver to`);
}

// ---------------------------------------------------------------------------
// The control API.

const control = {
  "GET /_control/inbox": () => state.inbox,
  "GET /_control/rejected": () => state.rejected,
  "GET /_control/errors": () => state.errors,
  "GET /_control/outbox": () => [...state.sent.values()].map(({ activity, recipients, ...rest }) => ({
    ...rest,
    recipients: recipients.map((r) => r.id.href),
  })),
  "GET /_control/followers": () => [...state.followers.values()],
  "GET /_control/following": () => [...state.following.values()],
  "GET /_control/notes": () => [...state.notes.values()].map((e) => ({
    id: e.note.id.href, create: e.create, audience: e.audience, deleted: e.deleted,
  })),
  "GET /_control/keys": async () => {
    const keys = await controlContext().getActorKeyPairs(IDENTIFIER);
    return keys.map((k) => ({ keyId: k.keyId.href, algorithm: k.privateKey.algorithm.name }));
  },

  "POST /_control/settle": async () => {
    while (state.pending.size > 0) await Promise.all([...state.pending]);
    return { errors: state.errors.length };
  },

  "POST /_control/clear": () => {
    state.inbox.length = 0;
    state.rejected.length = 0;
    state.errors.length = 0;
    return {};
  },

  "POST /_control/config": ({ followPolicy }) => {
    if (followPolicy != null) {
      if (!["accept", "reject", "manual"].includes(followPolicy)) {
        throw new Error(`followPolicy must be accept, reject or manual, not ${followPolicy}`);
      }
      state.followPolicy = followPolicy;
    }
    return { followPolicy: state.followPolicy };
  },

  // With followPolicy "manual": answer a pending Follow from `actor`.
  "POST /_control/answer-follow": async ({ actor, accept }) => {
    const ctx = controlContext();
    const request = state.followRequests?.get(requireString(actor, "actor"));
    if (request == null) throw new Error(`no pending Follow from ${actor}`);
    state.followRequests.delete(actor);
    const Reply = accept === false ? Reject : Accept;
    if (accept !== false) {
      request.entry.state = "accepted";
      state.followers.set(request.entry.id, request.entry);
    }
    const reply = new Reply({
      id: newId(accept === false ? "rejects" : "accepts"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: request.follow,
      to: request.follower.id,
    });
    return await send(ctx, reply, [request.follower]);
  },

  "GET /_control/follow-requests": () =>
    [...(state.followRequests?.values() ?? [])].map((r) => r.entry),

  "POST /_control/follow": async ({ target, preferSharedInbox }) => {
    const ctx = controlContext();
    const actor = await lookupActor(ctx, requireString(target, "target"));
    const follow = new Follow({
      id: newId("follows"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: actor.id,
      to: actor.id,
    });
    const entry = { target: actor.id.href, followId: follow.id.href, state: "pending" };
    state.following.set(actor.id.href, entry);
    try {
      return await send(ctx, follow, [actor], { preferSharedInbox });
    } catch (error) {
      entry.state = "failed";
      throw error;
    }
  },

  "POST /_control/unfollow": async ({ target, preferSharedInbox }) => {
    const ctx = controlContext();
    const entry = state.following.get(requireString(target, "target"));
    if (entry == null) throw new Error(`not following ${target}`);
    const actor = await lookupActor(ctx, target);
    const follow = state.sent.get(entry.followId)?.activity;
    const undo = new Undo({
      id: newId("undos"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: follow ?? new URL(entry.followId),
      to: actor.id,
    });
    const result = await send(ctx, undo, [actor], { preferSharedInbox });
    state.following.delete(target);
    return result;
  },

  "POST /_control/post": async ({ content, to, inReplyTo, preferSharedInbox }) => {
    const ctx = controlContext();
    const actorUri = ctx.getActorUri(IDENTIFIER);
    const noteId = ctx.getObjectUri(Note, { identifier: IDENTIFIER, id: crypto.randomUUID() });
    const published = Temporal.Now.instant();
    let addressing;
    let recipients;
    let tags = [];
    const audience = to ?? "followers";
    if (audience === "followers" || audience === "public") {
      addressing = { to: PUBLIC_COLLECTION, ccs: [ctx.getFollowersUri(IDENTIFIER)] };
      recipients = followerRecipients();
    } else {
      const actor = await lookupActor(ctx, audience);
      addressing = { to: actor.id };
      recipients = [actor];
      tags = [new Mention({ href: actor.id, name: actor.preferredUsername ? `@${actor.preferredUsername}@${actor.id.host}` : actor.id.href })];
    }
    const note = new Note({
      id: noteId,
      attribution: actorUri,
      content: requireString(content, "content"),
      published,
      replyTarget: inReplyTo ? new URL(inReplyTo) : null,
      tags,
      ...addressing,
    });
    const create = new Create({
      id: new URL(`${noteId.href}#create`),
      actor: actorUri,
      object: note,
      published,
      ...addressing,
    });
    state.notes.set(noteId.href, { note, create: create.id.href, audience, recipients, deleted: false });
    const result = await send(ctx, create, recipients, { preferSharedInbox });
    return { ...result, note: noteId.href, create: create.id.href };
  },

  "POST /_control/update": async ({ id, content, preferSharedInbox }) => {
    const ctx = controlContext();
    const entry = state.notes.get(requireString(id, "id"));
    if (entry == null || entry.deleted) throw new Error(`no note ${id}`);
    const updated = Temporal.Now.instant();
    entry.note = entry.note.clone({ content: requireString(content, "content"), updated });
    const update = new Update({
      id: newId("updates"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: entry.note,
      published: updated,
      tos: entry.note.toIds,
      ccs: entry.note.ccIds,
    });
    const recipients = entry.audience === "followers" || entry.audience === "public"
      ? followerRecipients()
      : entry.recipients;
    return await send(ctx, update, recipients, { preferSharedInbox });
  },

  "POST /_control/delete": async ({ id, preferSharedInbox }) => {
    const ctx = controlContext();
    const entry = state.notes.get(requireString(id, "id"));
    if (entry == null) throw new Error(`no note ${id}`);
    entry.deleted = true;
    const audience = entry.audience === "followers" || entry.audience === "public"
      ? { to: PUBLIC_COLLECTION, ccs: [ctx.getFollowersUri(IDENTIFIER)] }
      : { to: entry.note.toId };
    const del = new Delete({
      id: newId("deletes"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: new Tombstone({ id: entry.note.id }),
      ...audience,
    });
    const recipients = entry.audience === "followers" || entry.audience === "public"
      ? followerRecipients()
      : entry.recipients;
    return await send(ctx, del, recipients, { preferSharedInbox });
  },

  "POST /_control/like": async ({ object, preferSharedInbox }) => {
    const ctx = controlContext();
    const author = await authorOf(ctx, requireString(object, "object"));
    const like = new Like({
      id: newId("likes"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: new URL(object),
      to: author.id,
    });
    return await send(ctx, like, [author], { preferSharedInbox });
  },

  "POST /_control/announce": async ({ object, preferSharedInbox }) => {
    const ctx = controlContext();
    const author = await authorOf(ctx, requireString(object, "object"));
    const announce = new Announce({
      id: newId("announces"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: new URL(object),
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(IDENTIFIER), author.id],
      published: Temporal.Now.instant(),
    });
    return await send(ctx, announce, [author, ...followerRecipients()], { preferSharedInbox });
  },

  "POST /_control/undo": async ({ id, preferSharedInbox }) => {
    const ctx = controlContext();
    const original = state.sent.get(requireString(id, "id"));
    if (original == null) throw new Error(`the peer never sent ${id}`);
    const undo = new Undo({
      id: newId("undos"),
      actor: ctx.getActorUri(IDENTIFIER),
      object: original.activity,
      tos: original.activity.toIds,
      ccs: original.activity.ccIds,
    });
    const result = await send(ctx, undo, original.recipients, { preferSharedInbox });
    if (original.type === "Follow") {
      for (const [target, entry] of state.following) {
        if (entry.followId === id) state.following.delete(target);
      }
    }
    return result;
  },

  // FEP-8b32 proofs on any JSON, with Fedify's verifyProof/createProof (see above).
  "POST /_control/verify-proof": async ({ document }) => {
    const ctx = controlContext();
    return await verifyDocumentProofs(document, {
      documentLoader: ctx.documentLoader,
      contextLoader: ctx.contextLoader,
    });
  },

  "POST /_control/sign": async ({ document }) => await signDocument(controlContext(), document),

  // Delivers a raw activity (e.g. a Create around a signed fedinet object), by default with the
  // peer's own eddsa-jcs-2022 proof added, as Fedify adds one to every activity it sends.
  "POST /_control/send-raw": async ({ activity, inbox, to, spec, proof, preferSharedInbox }) => {
    const ctx = controlContext();
    if (activity == null || typeof activity !== "object" || Array.isArray(activity)) {
      throw new Error('"activity" must be a JSON object');
    }
    let target = inbox;
    if (target == null) {
      const actor = await lookupActor(ctx, requireString(to, "to"));
      target = (preferSharedInbox ? actor.endpoints?.sharedInbox?.href : null) ?? actor.inboxId?.href;
      if (target == null) throw new Error(`${to} has no inbox`);
    }
    requireString(target, "inbox");
    const specName = spec ?? "rfc9421";
    if (specName !== "rfc9421" && specName !== "draft-cavage-http-signatures-12") {
      throw new Error(`spec must be rfc9421 or draft-cavage-http-signatures-12, not ${specName}`);
    }
    const json = proof === false || activity.proof != null ? activity : (await signDocument(ctx, activity)).document;
    const { status, body } = await sendRaw(ctx, json, target, specName);
    const entry = { id: json.id ?? null, type: json.type ?? null, inbox: target, spec: specName, status, body, json };
    state.rawSent.push({ ...entry, sentAt: new Date().toISOString() });
    return entry;
  },

  "GET /_control/sent-raw": () => state.rawSent,

  "POST /_control/lookup": async ({ url }) => {
    const ctx = controlContext();
    const target = requireString(url, "url");
    let raw = null;
    try {
      raw = (await ctx.documentLoader(target)).document;
    } catch (error) {
      raw = { error: describe(error).message };
    }
    const object = await ctx.lookupObject(target);
    if (object == null) return { found: false, raw };
    const result = {
      found: true,
      type: activityType(object),
      id: object.id?.href ?? null,
      json: await object.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }),
      raw,
      isActor: isActor(object),
    };
    if (isActor(object)) {
      const publicKeys = [];
      for await (const key of object.getPublicKeys(ctx)) {
        publicKeys.push({
          id: key.id?.href ?? null,
          owner: key.ownerId?.href ?? null,
          algorithm: key.publicKey?.algorithm?.name ?? null,
        });
      }
      const assertionMethods = [];
      for await (const key of object.getAssertionMethods(ctx)) {
        assertionMethods.push({
          id: key.id?.href ?? null,
          type: activityType(key),
          controller: key.controllerId?.href ?? null,
          algorithm: key.publicKey?.algorithm?.name ?? null,
        });
      }
      Object.assign(result, {
        preferredUsername: object.preferredUsername?.toString() ?? null,
        name: object.name?.toString() ?? null,
        inbox: object.inboxId?.href ?? null,
        sharedInbox: object.endpoints?.sharedInbox?.href ?? null,
        outbox: object.outboxId?.href ?? null,
        followers: object.followersId?.href ?? null,
        following: object.followingId?.href ?? null,
        publicKeys,
        assertionMethods,
        hasPublicKey: publicKeys.length > 0,
        hasEd25519Multikey: assertionMethods.some((k) => k.type === "Multikey" && k.algorithm === "Ed25519"),
      });
    }
    return result;
  },
};

function requireString(value, name) {
  if (typeof value !== "string" || value === "") throw new Error(`"${name}" must be a non-empty string`);
  return value;
}

function describe(error) {
  const out = { name: error?.name ?? "Error", message: String(error?.message ?? error) };
  if (error?.cause) out.cause = String(error.cause?.message ?? error.cause);
  if (error?.stack) out.stack = String(error.stack).split("\n").slice(0, 8).join("\n");
  return out;
}

function jsonResponse(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

// ---------------------------------------------------------------------------
// Node http ↔ fetch Request/Response.

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handleNodeRequest(req, res) {
  const url = new URL(req.url, ORIGIN);
  const body = await readBody(req);

  if (url.pathname.startsWith("/_control/")) {
    const handler = control[`${req.method} ${url.pathname}`];
    if (handler == null) return jsonResponse(res, 404, { error: `no control call ${req.method} ${url.pathname}` });
    try {
      const args = body.length > 0 ? JSON.parse(body.toString("utf8")) : {};
      return jsonResponse(res, 200, (await handler(args)) ?? {});
    } catch (error) {
      return jsonResponse(res, 500, { error: describe(error).message, details: describe(error) });
    }
  }

  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });

  const store = { path: url.pathname, json: null, verification: null, inboxSpan: null };
  if (req.method === "POST" && (url.pathname === "/inbox" || url.pathname.endsWith("/inbox"))) {
    try {
      store.json = JSON.parse(body.toString("utf8"));
    } catch {
      store.json = null;
    }
    try {
      store.verification = await verifyInboxPost(request, store.json);
    } catch (error) {
      store.verification = { error: describe(error).message };
    }
  }

  const response = await requestStore.run(store, () =>
    federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } }),
      onNotAcceptable: () => new Response("Not acceptable", { status: 406, headers: { "content-type": "text/plain" } }),
    })
  );
  const responseHeaders = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  const payload = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, responseHeaders);
  res.end(payload);
}

// The harness keeps our stdin open as a pipe: when the test process goes away, even
// without killing us, stdin closes and the peer exits instead of lingering.
if (process.env.FEDIFY_PEER_EXIT_WITH_STDIN) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}

process.on("unhandledRejection", (error) => {
  state.errors.push({ where: "unhandledRejection", error: describe(error) });
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}

console.log(`READY ${ORIGIN}`);
