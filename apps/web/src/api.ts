import type { FormInstance } from 'antd';

export type Lang = 'zh' | 'en';

export interface ApiErrorBody {
  code?: string;
  message?: string;
  messageEn?: string;
  field?: string;
  rows?: { row: number; field: string; code: string; message?: string }[];
  [k: string]: unknown;
}

/** An error answer from the server, carrying `{ code, message, messageEn, field? }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly field?: string;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    const zh = body.message ?? `请求失败（${status}）`;
    super(zh);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? `HTTP_${status}`;
    this.messageZh = zh;
    this.messageEn = body.messageEn ?? body.message ?? `Request failed (${status})`;
    this.field = body.field;
    this.body = body;
  }

  text(lang: Lang): string {
    return lang === 'en' ? this.messageEn : this.messageZh;
  }
}

let csrfFallback: string | null = null;

/** Remember the CSRF token returned by login (used if the cookie cannot be read). */
export function setCsrfToken(token: string | null | undefined): void {
  csrfFallback = token ?? null;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie('yw_csrf') ?? csrfFallback;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: '网络错误，请稍后重试',
      messageEn: 'Network error, please retry',
    });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const b = data && typeof data === 'object' ? (data as ApiErrorBody) : {};
    throw new ApiError(res.status, b);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** Human-readable text of any error in the given language. */
export function errorText(err: unknown, lang: Lang): string {
  if (err instanceof ApiError) return err.text(lang);
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Put a server error on its form field if the form has that field; otherwise return the text so the
 * caller can show it elsewhere. Returns null when the error was attached to a field.
 */
export function applyFormError(form: FormInstance, err: unknown, lang: Lang): string | null {
  if (err instanceof ApiError && err.field) {
    const fields = new Set([
      ...Object.keys(form.getFieldsValue() ?? {}),
      ...Object.keys(form.getFieldsValue(true) ?? {}),
    ]);
    if (fields.has(err.field)) {
      form.setFields([{ name: err.field, errors: [err.text(lang)] }]);
      return null;
    }
  }
  return errorText(err, lang);
}

/** Read a File as base64 (without the data: prefix). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const s = String(reader.result ?? '');
      const i = s.indexOf(',');
      resolve(i >= 0 ? s.slice(i + 1) : s);
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}
