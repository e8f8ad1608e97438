/** The one error shape of the API: { code, message, messageEn, field? } with an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageZh: string,
    readonly messageEn: string,
    readonly field?: string,
  ) {
    super(messageEn);
    this.name = 'AppError';
  }
  toJSON() {
    return {
      code: this.code,
      message: this.messageZh,
      messageEn: this.messageEn,
      ...(this.field ? { field: this.field } : {}),
    };
  }
}

export const badRequest = (code: string, zh: string, en: string, field?: string) =>
  new AppError(400, code, zh, en, field);
export const unauthorized = (code = 'UNAUTHENTICATED', zh = '请先登录', en = 'Sign-in required') =>
  new AppError(401, code, zh, en);
export const forbidden = (code = 'FORBIDDEN', zh = '无权执行此操作', en = 'You are not allowed to do this') =>
  new AppError(403, code, zh, en);
export const notFound = (what: string, whatZh: string) =>
  new AppError(404, 'NOT_FOUND', `${whatZh}不存在`, `${what} not found`);
export const conflict = (code: string, zh: string, en: string, field?: string) =>
  new AppError(409, code, zh, en, field);
