// Sign-in for the local Azure emulator (docs/CONTRACTS.md, "Emulator sign-in"): registers the authentication
// providers `microsoft-sovereign-cloud` and `microsoft` — the ids the Azure extensions' sign-in library asks for,
// held by VS Code's built-in Microsoft authentication, which the harness disables — through the real
// vscode.authentication API. Test and sandbox infrastructure only.
//
// It behaves like VS Code's Microsoft provider, minus the browser round trip:
//  - createSession(scopes) signs the seeded user in at once (no prompt) and returns a session for those scopes;
//  - once signed in, getSessions(scopes) answers for any scopes, minting a token for that resource silently
//    (as MSAL's silent acquisition does), so Key Vault tokens after ARM ones need no second sign-in;
//  - tokens are unsigned JWTs with mintTestToken's claims (test/emulator/token.ts); `exp` = now + 1 h, and an
//    expired (or nearly expired) token is re-minted when sessions are read;
//  - a `VSCODE_TENANT:<id>` scope asks for a token of that directory (tid); a directory the emulator marks
//    `requiresInteractiveSignIn` (conditional access, MFA) gets no silent token until createSession was called
//    for it, as Entra refuses a silent token there;
//  - removeSession signs the account out (all its sessions), like the Microsoft provider;
//  - state lives in context.globalState, so a window reload keeps the user signed in.
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const vscode = require('vscode');
const fs = require('fs');

const PROVIDERS = [
  { id: 'microsoft-sovereign-cloud', label: 'Microsoft Sovereign Cloud (local emulator)' },
  { id: 'microsoft', label: 'Microsoft (local emulator)' },
];
const STATE_KEY = 'aksKmsEmulatorAuth.state.v2';
const TOKEN_LIFETIME_SECONDS = 3600;
const REFRESH_MARGIN_SECONDS = 300;
const DEFAULT_AUDIENCE = 'https://management.core.windows.net/';

// The seeded fleet's user (CONTRACTS.md, "The seeded fleet"); the emulator's info file wins when present.
const SEED_USER = {
  tenantId: '7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60',
  objectId: '0b8a6c9e-2f4d-4e1a-8c3b-5d6e7f809a1b',
  name: 'Emulator User',
  upn: 'emulator.user@contoso.example',
};

function user() {
  const file = process.env.AKS_KMS_EMULATOR_INFO;
  if (file) {
    try {
      const info = JSON.parse(fs.readFileSync(file, 'utf8'));
      const interactiveTenants = (info.tenants || []).filter(t => t.requiresInteractiveSignIn).map(t => t.tenantId.toLowerCase());
      return { ...SEED_USER, tenantId: info.tenantId || SEED_USER.tenantId, objectId: info.userObjectId || SEED_USER.objectId, interactiveTenants };
    } catch {
      // fall back to the seed: the info file is optional (desktop F5 opens a workspace with settings only)
    }
  }
  return { ...SEED_USER, interactiveTenants: [] };
}

const b64url = value => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Splits VS Code's scope list into the resource scopes and the `VSCODE_TENANT:` directive. */
function parseScopes(scopes) {
  let tenant;
  const resources = [];
  for (const s of scopes || []) {
    if (s.startsWith('VSCODE_TENANT:')) tenant = s.slice('VSCODE_TENANT:'.length);
    else if (!s.startsWith('VSCODE_CLIENT_ID:')) resources.push(s);
  }
  const first = resources.find(s => /^https?:\/\//i.test(s));
  const audience = first ? first.replace(/\/\.default$/, '').replace(/\/$/, '') : DEFAULT_AUDIENCE;
  return { tenant, audience };
}

/** An unsigned JWT with the claims the emulator reads (same shape as test/emulator/token.ts mintTestToken). */
function mintToken(scopes, u) {
  const now = Math.floor(Date.now() / 1000);
  const { tenant, audience } = parseScopes(scopes);
  const tid = tenant || u.tenantId;
  const claims = {
    aud: audience, iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + TOKEN_LIFETIME_SECONDS,
    oid: u.objectId, tid, name: u.name, upn: u.upn, idtyp: 'user',
  };
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

function expiryOf(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp || 0;
  } catch {
    return 0;
  }
}

const scopeKey = scopes => [...(scopes || [])].sort().join(' ');

/** The directory a scope list asks for (lower case), or undefined for the home directory. */
function tenantOf(scopes) {
  return parseScopes(scopes).tenant?.toLowerCase();
}

class EmulatorAuthProvider {
  constructor(context, providerId) {
    this.context = context;
    this.stateKey = `${STATE_KEY}:${providerId}`;
    this.emitter = new vscode.EventEmitter();
    this.onDidChangeSessions = this.emitter.event;
    this.counter = 0;
  }

  /** { account: {id, label} | undefined, sessions: [{id, scopes, accessToken}], interactiveSignIns: [tenantId] } */
  state() {
    return this.context.globalState.get(this.stateKey) || { account: undefined, sessions: [], interactiveSignIns: [] };
  }

  async save(state) {
    await this.context.globalState.update(this.stateKey, state);
  }

  /** Conditional access: a directory that wants an interactive sign-in gets no silent token before one. */
  silentRefused(state, scopes) {
    const tenant = tenantOf(scopes);
    return !!tenant && user().interactiveTenants.includes(tenant) && !(state.interactiveSignIns || []).includes(tenant);
  }

  toSession(s, account) {
    return { id: s.id, accessToken: s.accessToken, account: { id: account.id, label: account.label }, scopes: s.scopes };
  }

  newStoredSession(scopes) {
    this.counter += 1;
    return { id: `emulator-${Date.now().toString(36)}-${this.counter}`, scopes: [...(scopes || [])], accessToken: mintToken(scopes, user()) };
  }

  async getSessions(scopes) {
    const state = this.state();
    if (!state.account) return [];
    const now = Math.floor(Date.now() / 1000);
    const changed = [];
    for (const s of state.sessions) {
      if (expiryOf(s.accessToken) - REFRESH_MARGIN_SECONDS <= now) {
        s.accessToken = mintToken(s.scopes, user());
        changed.push(s);
      }
    }
    let result = state.sessions;
    let added;
    if (scopes) {
      if (this.silentRefused(state, scopes)) return [];
      const key = scopeKey(scopes);
      result = state.sessions.filter(s => scopeKey(s.scopes) === key);
      if (result.length === 0) {
        // Signed in: a token for another resource comes silently, as with MSAL's acquireTokenSilent.
        added = this.newStoredSession(scopes);
        state.sessions.push(added);
        result = [added];
      }
    }
    if (changed.length || added) await this.save(state);
    if (changed.length) this.emitter.fire({ added: [], removed: [], changed: changed.map(s => this.toSession(s, state.account)) });
    return result.map(s => this.toSession(s, state.account));
  }

  async createSession(scopes) {
    const state = this.state();
    const u = user();
    state.account = state.account || { id: u.objectId, label: u.upn };
    const tenant = tenantOf(scopes);
    if (tenant && !(state.interactiveSignIns || []).includes(tenant)) state.interactiveSignIns = [...(state.interactiveSignIns || []), tenant];
    const key = scopeKey(scopes);
    let stored = state.sessions.find(s => scopeKey(s.scopes) === key);
    const isNew = !stored;
    if (stored) stored.accessToken = mintToken(scopes, u);
    else {
      stored = this.newStoredSession(scopes);
      state.sessions.push(stored);
    }
    await this.save(state);
    const session = this.toSession(stored, state.account);
    this.emitter.fire(isNew ? { added: [session], removed: [], changed: [] } : { added: [], removed: [], changed: [session] });
    return session;
  }

  /** Signing out of one session signs the account out (all its sessions), like the Microsoft provider. */
  async removeSession(_sessionId) {
    await this.removeAllSessions();
  }

  async removeAllSessions() {
    const state = this.state();
    if (!state.account && state.sessions.length === 0) return;
    const removed = state.account ? state.sessions.map(s => this.toSession(s, state.account)) : [];
    await this.save({ account: undefined, sessions: [], interactiveSignIns: [] });
    this.emitter.fire({ added: [], removed, changed: [] });
  }

  dispose() {
    this.emitter.dispose();
  }
}

function activate(context) {
  const providers = PROVIDERS.map(p => ({ ...p, provider: new EmulatorAuthProvider(context, p.id) }));
  for (const p of providers) {
    context.subscriptions.push(
      p.provider,
      vscode.authentication.registerAuthenticationProvider(p.id, p.label, p.provider, { supportsMultipleAccounts: false }),
    );
  }
  // The provider of the cloud the settings select (the sign-in library's choice: `microsoft` for public Azure only).
  const current = () => {
    const environment = vscode.workspace.getConfiguration('microsoft-sovereign-cloud').get('environment');
    return providers[environment ? 0 : 1].provider;
  };
  // API for tests (vscode.extensions.getExtension('aks-kms.aks-kms-emulator-auth').exports).
  return {
    /** Signs out: drops every stored session and fires onDidChangeSessions. */
    removeAllSessions: () => Promise.all(providers.map(p => p.provider.removeAllSessions())),
    /**
     * Signs in without VS Code's consent dialog (which extension-host tests refuse to show). A `VSCODE_TENANT:<id>`
     * scope signs in to that directory interactively.
     */
    signIn: (scopes = [`${DEFAULT_AUDIENCE}.default`]) => current().createSession(scopes),
    /** The stored sessions, for assertions. */
    sessions: () => current().getSessions(undefined),
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
