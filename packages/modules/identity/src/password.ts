import { badRequest } from '@yiwang/platform';
import argon2 from 'argon2';

/**
 * Password policy (GB/T 22239 level 3: complexity): at least 8 characters, three of the four
 * classes (lower, upper, digit, symbol), not containing the username.
 */
export function checkPasswordPolicy(password: string, username?: string): void {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (password.length < 8 || password.length > 128 || classes < 3) {
    throw badRequest(
      'WEAK_PASSWORD',
      '密码至少 8 位，且包含大写字母、小写字母、数字、符号中的三类',
      'Password needs at least 8 characters from three of: upper case, lower case, digits, symbols',
      'password',
    );
  }
  if (username && username.length >= 4 && password.toLowerCase().includes(username.toLowerCase())) {
    throw badRequest('WEAK_PASSWORD', '密码不能包含用户名', 'Password must not contain the username', 'password');
  }
}

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password).catch(() => false);

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
let dummy: Promise<string> | null = null;
export async function burnVerify(password: string) {
  dummy ??= hashPassword('not-a-real-password-Aa1!');
  await verifyPassword(await dummy, password);
}
