// Credentials that STS AssumeRole issued: which role and account each access key belongs to,
// and until when. Keys encode their account (ASIA + 12-digit account + 4 characters, 20 in all,
// the length of AWS access key ids), so a key issued before an emulator restart still maps to
// its role's account instead of silently falling into the default account.
import { randomBytes } from 'node:crypto';

export interface StsSession {
  accessKeyId: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  /** Epoch ms (emulator clock). */
  expiresAt: number;
}

const ISSUED_KEY = /^ASIA(\d{12})[A-Z2-7]{4}$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Bound on remembered sessions: the oldest is forgotten first (its key still maps to its account). */
const MAX_SESSIONS = 10_000;

function randomChars(alphabet: string, n: number): string {
  return [...randomBytes(n)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export class StsSessions {
  private readonly sessions = new Map<string, StsSession>();

  issue(session: Omit<StsSession, 'accessKeyId'>): StsSession & { secretAccessKey: string; sessionToken: string } {
    const accessKeyId = `ASIA${session.accountId}${randomChars(BASE32, 4)}`;
    const issued = { ...session, accessKeyId };
    this.sessions.set(accessKeyId, issued);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return {
      ...issued,
      secretAccessKey: randomBytes(30).toString('base64'),
      // Opaque to the client; the emulator never checks it (SPEC.md 7).
      sessionToken: `EMULATOR${randomBytes(96).toString('base64')}`,
    };
  }

  find(accessKeyId: string | undefined): StsSession | undefined {
    return accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
  }

  /** The account a key belongs to when AssumeRole issued it (now or before a restart); else undefined. */
  accountOf(accessKeyId: string | undefined): string | undefined {
    if (accessKeyId === undefined) return undefined;
    return this.sessions.get(accessKeyId)?.accountId ?? ISSUED_KEY.exec(accessKeyId)?.[1];
  }

  clear(): void {
    this.sessions.clear();
  }
}
