// Phone number entry: a country picker (default from the browser's locale) and as-you-type
// formatting, so "(415) 234-5678" works as people write it. The number library loads after
// the first paint; until then a number in +country form works as it is.
import { useEffect, useId, useMemo, useState, type Ref } from 'react';

type Lib = typeof import('./phone-numbers');
type CountryCode = import('./phone-numbers').CountryCode;

let libPromise: Promise<Lib> | undefined;
function loadLib(): Promise<Lib> {
  libPromise ??= import('./phone-numbers').catch((err: unknown) => {
    libPromise = undefined; // try again on the next field that mounts
    throw err;
  });
  return libPromise;
}

/** The region of the first browser language that names one ("en-GB" → GB, "de" → DE). */
export function defaultCountry(languages: readonly string[], known: readonly string[]): string {
  for (const tag of languages) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && known.includes(region)) return region;
    } catch {
      // not a valid language tag
    }
  }
  return known.includes('US') ? 'US' : (known[0] ?? 'US');
}

export interface PhoneState {
  readonly text: string;
  readonly country: string;
  setText(text: string): void;
  setCountry(country: string): void;
  /** The number in E.164 (+14152345678), or null when it cannot be a phone number. */
  toE164(): string | null;
  readonly lib: Lib | null;
}

export function usePhoneState(initial = ''): PhoneState {
  const [lib, setLib] = useState<Lib | null>(null);
  const [text, setTextRaw] = useState(initial);
  const [country, setCountry] = useState('');
  useEffect(() => {
    let live = true;
    loadLib().then(
      (l) => {
        if (!live) return;
        setLib(l);
        setCountry(
          (c) => c || defaultCountry(navigator.languages ?? [navigator.language], l.getCountries()),
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return useMemo<PhoneState>(
    () => ({
      text,
      country,
      lib,
      setCountry,
      setText(next: string) {
        // Format while typing forward; while deleting, leave the text as the person edits it.
        if (!lib || next.length < text.length) return setTextRaw(next);
        setTextRaw(
          new lib.AsYouType(
            next.trim().startsWith('+') ? undefined : (country as CountryCode),
          ).input(next),
        );
      },
      toE164() {
        const raw = text.trim();
        if (!lib) {
          const digits = raw.replace(/[^\d]/g, '');
          return raw.startsWith('+') && digits.length >= 8 ? `+${digits}` : null;
        }
        const parsed = lib.parsePhoneNumberFromString(
          raw,
          (country || undefined) as CountryCode | undefined,
        );
        // Possible, not valid: the server holds the full metadata and has the last word.
        return parsed?.isPossible() ? parsed.number : null;
      },
    }),
    [text, country, lib],
  );
}

export const INVALID_PHONE_MESSAGE =
  'That does not look like a phone number. Check the number and the country.';
/** NOT_FOUND when looking a number up. */
export const NOT_REGISTERED = 'No one on Chatter has this number yet.';

/** Country picker and number input; `label` names the number input. */
export function PhoneField({
  phone,
  label,
  inputRef,
  placeholder,
}: {
  phone: PhoneState;
  label: string;
  inputRef?: Ref<HTMLInputElement>;
  placeholder?: string;
}) {
  const id = useId();
  const options = useMemo(() => {
    if (!phone.lib) return [];
    const names = new Intl.DisplayNames(navigator.languages ?? [navigator.language], {
      type: 'region',
    });
    return phone.lib
      .getCountries()
      .map((code) => ({
        code,
        name: names.of(code) ?? code,
        dial: phone.lib!.getCountryCallingCode(code),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // Sorted by name in the list; the closed picker shows "+1 United States", code first.
  }, [phone.lib]);
  return (
    <div className="field">
      <label htmlFor={`${id}-number`}>{label}</label>
      <div className="phone-field">
        {options.length > 0 && (
          <select
            className="phone-field__country"
            aria-label="Country"
            value={phone.country}
            onChange={(e) => phone.setCountry(e.target.value)}
          >
            {options.map((o) => (
              <option key={o.code} value={o.code}>
                +{o.dial} {o.name}
              </option>
            ))}
          </select>
        )}
        <input
          id={`${id}-number`}
          ref={inputRef}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder={placeholder ?? (phone.country === 'US' ? '(415) 555-0100' : 'Number')}
          value={phone.text}
          onChange={(e) => phone.setText(e.target.value)}
          required
        />
      </div>
    </div>
  );
}
