/** `189****1234`: a phone number as staff lists and WeChat's shipping upload show it (the last four digits identify it). */
export function maskedPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
