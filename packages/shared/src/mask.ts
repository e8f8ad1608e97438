/** Display masks for personal data (keeps what a person needs to recognise their own record). */
export function maskIdNumber(id: string): string {
  return id.length < 8 ? '****' : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}
export function maskPhone(phone: string): string {
  return phone.length < 7 ? '****' : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
export function maskName(name: string): string {
  return name.length <= 1 ? name : `${name[0]}${'*'.repeat(name.length - 1)}`;
}
