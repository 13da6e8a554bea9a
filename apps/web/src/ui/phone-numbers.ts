// libphonenumber-js with its small metadata: loaded on demand by the phone field (a chunk of
// its own, outside the first screen's budget). Named re-exports keep the chunk to what is used.
export {
  AsYouType,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/min';
export type { CountryCode } from 'libphonenumber-js/min';
