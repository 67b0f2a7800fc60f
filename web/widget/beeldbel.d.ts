// TypeScript declarations for <beeldbel-widget> (web/widget/beeldbel.js).
// The module has no exports: importing it defines the custom element.
// README, "Embedding", documents the same attributes, events and theming.

/** The redeemed invitation (POST /api/v1/invitations/redeem, src/contact/API.md). */
export interface BeeldbelCallInfo {
  callId: string | null;
  room: number;
  pin: string | null;
  janusUrl: string;
  janusToken: string | null;
  participantId: string | null;
  officer: { displayName: string; team: string };
  expiresAt: string | null;
}

export type BeeldbelCallState = 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended';

export interface BeeldbelTile {
  id: string;
  name: string;
  /** As the end-to-end handshake proved it (an officer's or a colleague's name from the certificate). */
  role: 'officer' | 'citizen' | 'interpreter' | 'captioner' | 'colleague';
  canvas: HTMLCanvasElement;
}

/** The call object the widget's waiting-room and call screens use (web/ui/call-session.js). */
export interface BeeldbelCallSession extends EventTarget {
  readonly state: BeeldbelCallState;
  readonly tiles: BeeldbelTile[];
  /** sas: null until every participant's part of the code is in; people: how many the code covers, you included. */
  readonly identity: null | { verified: boolean; name: string; team: string; neighbourhood?: string; sas: string | null;
    people?: number; reason?: 'expired' | 'unknown_ca' | 'revoked' | 'wrong_name' | 'bad_signature' };
  readonly quality: 'good' | 'fair' | 'poor';
  setMicrophone(on: boolean): void;
  setCamera(on: boolean): void;
  switchCamera(): Promise<MediaStream | null>;
  /** The whole current line, on every keystroke; final = the line is done. */
  sendText(text: string, final: boolean): void;
  pinTile(id: string | null): void;
  hangUp(): void;
}

export type BeeldbelCallSessionFactory =
  (opts: { call: BeeldbelCallInfo; /** the call's end-to-end secret from the link's fragment */ invite: string | null;
    localStream: MediaStream | null; lang: 'nl' | 'en'; worker: Worker | null }) => BeeldbelCallSession;

export type BeeldbelScreen =
  'request' | 'confirm' | 'status' | 'redeem' | 'inviteFailed' | 'device' | 'waiting' | 'call' | 'ended';

export interface BeeldbelWidgetElement extends HTMLElement {
  /** Attribute `lang`: 'nl' (default) or 'en'. */
  lang: 'nl' | 'en';
  /** Attribute `neighbourhood`: preselected in the form, e.g. 'groningen-noord'. */
  readonly neighbourhood: string;
  // Attribute `contrast` (no property): 'auto' (default, follows prefers-contrast), 'more' or 'normal'.
  // Attribute `codec` (no property): 'auto' (default: the browser's VP8 where it has it) or 'wasm'.
  readonly engineState: 'starting' | 'ready' | 'failed';
  /** After 'ready': versions and self-test; after 'failed': why (code 'integrity' and the file's name when an
   *  engine file did not match the hash the bundle carries). */
  readonly engineInfo: null | { versions?: Record<string, string>; selftest?: Record<string, boolean | number>;
    code?: number | 'integrity'; file?: string; en?: string; nl?: string };
  readonly screen: BeeldbelScreen | null;
  /** Installed by the call module (or a test) before the waiting room is reached. */
  callSessionFactory: BeeldbelCallSessionFactory | null;
}

export interface BeeldbelEventMap {
  'beeldbel:engine-ready': CustomEvent<{ versions: Record<string, string>; selftest: Record<string, boolean | number> }>;
  'beeldbel:engine-failed': CustomEvent<{ code?: number | 'integrity'; file?: string; en?: string; nl?: string }>;
  'beeldbel:request-sent': CustomEvent<{ reference: string; preference: 'video' | 'phone'; neighbourhood: string | null }>;
  'beeldbel:call-started': CustomEvent<{ callId: string | null }>;
  'beeldbel:call-ended': CustomEvent<{ callId: string | null; durationS: number }>;
}

declare global {
  interface HTMLElementTagNameMap { 'beeldbel-widget': BeeldbelWidgetElement }
  // The events bubble and are composed, so they reach document listeners too.
  interface DocumentEventMap extends BeeldbelEventMap {}
  interface HTMLElementEventMap extends BeeldbelEventMap {}
}
