// EPS short-form prescription id XXXXXX-YYYYYY-ZZZZZC, checked as the GP
// types: the same rules as gateway/domain/identifiers.cc (hex parts, padded
// prescriber ODS, ISO/IEC 7064 MOD 37-2 check character), so a typing slip
// shows before anything is sent. The gateway checks again.
function mod37Value(c) {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  if (c === '+') return 36;
  return -1;
}

const HEX = /^[0-9A-F]$/;

// An empty string when `id` is valid, else what is wrong with it.
export function epsIdProblem(id) {
  if (id.length === 0) return 'Enter the EPS prescription ID';
  if (id.length !== 20 || id[6] !== '-' || id[13] !== '-') {
    return 'EPS prescription ID must be 20 characters in the form XXXXXX-YYYYYY-ZZZZZC';
  }
  for (const i of [0, 1, 2, 3, 4, 5, 14, 15, 16, 17, 18]) {
    if (!HEX.test(id[i])) return 'The first and last parts of the EPS prescription ID are upper-case hex (0-9, A-F)';
  }
  for (let i = 7; i < 13; i++) {
    if (mod37Value(id[i]) < 0 || id[i] === '+') return 'The middle part of the EPS prescription ID is the prescriber ODS code padded with 0';
  }
  let total = 0;
  for (let i = 0; i < 19; i++) {
    if (id[i] === '-') continue;
    total = ((total + mod37Value(id[i])) * 2) % 37;
  }
  const check = mod37Value(id[19]);
  if (check < 0 || (total + check) % 37 !== 1) return 'The EPS prescription ID check character is wrong: check the ID';
  return '';
}
