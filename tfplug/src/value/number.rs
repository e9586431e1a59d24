//! Arbitrary-precision decimal numbers, as cty's `number` type needs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::error::{ValueError, ValueErrorKind};

/// Largest decimal exponent magnitude accepted, so that printing a number stays small.
const MAX_EXPONENT: i64 = 4096;

/// An arbitrary-precision decimal number.
///
/// Holds every `i64`, `u64`, finite `f64` (as its shortest round-trip decimal) and any
/// decimal string exactly. Equality, ordering and hashing are by numeric value, so
/// `1`, `1.0` and `"1.000"` are equal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(Repr);

/// Canonical representation: every integer that fits `i64` is `Int`, everything else
/// is a normalized `Big`, so derived equality and hashing are numeric.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Int(i64),
    Big(Box<Decimal>),
}

/// `(-1)^negative × digits × 10^exponent`, `digits` ASCII without leading or trailing zeros.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Decimal {
    negative: bool,
    digits: Box<[u8]>,
    exponent: i64,
}

impl Number {
    /// The number `i`.
    pub fn from_i64(i: i64) -> Self {
        Number(Repr::Int(i))
    }

    /// The number `u`.
    pub fn from_u64(u: u64) -> Self {
        match i64::try_from(u) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => from_parts(false, u.to_string().into_bytes(), 0),
        }
    }

    /// The number `f`: exact for integral values below 2^127, otherwise the shortest
    /// decimal that round-trips to `f` (so `0.1` is 0.1). `None` for NaN and infinities.
    pub fn from_f64(f: f64) -> Option<Self> {
        if !f.is_finite() {
            return None;
        }
        const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
        if f.fract() == 0.0 && (-TWO_127..TWO_127).contains(&f) {
            // Integral and inside i128's range: the conversion is exact.
            return Some(Number::from_i128(f as i128));
        }
        Number::parse(&format!("{f:e}")).ok()
    }

    /// The number `i`.
    pub fn from_i128(i: i128) -> Self {
        match i64::try_from(i) {
            Ok(small) => Number(Repr::Int(small)),
            Err(_) => from_parts(i < 0, i.unsigned_abs().to_string().into_bytes(), 0),
        }
    }

    /// Parses a decimal number: optional sign, digits with an optional fraction and an
    /// optional exponent (`-12.5`, `1e20`, `123456789012345678901234567890.5`).
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        parse_decimal(s).ok_or_else(|| {
            ValueError::new(ValueErrorKind::BadNumber(format!(
                "{:?} is not a decimal number in range",
                truncate(s)
            )))
        })
    }

    /// The value as `i64` if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(i) => Some(*i),
            Repr::Big(_) => None,
        }
    }

    /// The value as `u64` if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Int(i) => u64::try_from(*i).ok(),
            Repr::Big(d) if !d.negative && d.exponent >= 0 && d.int_len() <= 20 => {
                d.to_plain_string().parse().ok()
            }
            Repr::Big(_) => None,
        }
    }

    /// The value as `i128` if it is an integer in range.
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            Repr::Int(i) => Some(i128::from(*i)),
            Repr::Big(d) if d.exponent >= 0 && d.int_len() <= 40 => {
                d.to_plain_string().parse().ok()
            }
            Repr::Big(_) => None,
        }
    }

    /// The value as `u128` if it is a non-negative integer in range.
    pub fn as_u128(&self) -> Option<u128> {
        self.as_i128()
            .and_then(|i| u128::try_from(i).ok())
            .or_else(|| match &self.0 {
                Repr::Big(d) if !d.negative && d.exponent >= 0 && d.int_len() <= 40 => {
                    d.to_plain_string().parse().ok()
                }
                _ => None,
            })
    }

    /// The nearest `f64` (may be infinite for huge values, or lose precision).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            Repr::Big(d) => d.to_f64(),
        }
    }

    /// The value as an `f64` only if that `f64` represents it exactly
    /// (in the sense of [`Number::from_f64`] giving back this number).
    ///
    /// Never a subnormal `f64`: Terraform reads a float64 into a big float of 53 bits,
    /// which has no subnormals, so it would print (and compare) such a value as another
    /// number than the decimal it came from.
    pub fn as_exact_f64(&self) -> Option<f64> {
        let f = self.as_f64();
        ((f == 0.0 || f.is_normal()) && Number::from_f64(f).as_ref() == Some(self)).then_some(f)
    }

    /// Whether the value has no fractional part.
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Big(d) => d.exponent >= 0,
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Int(i) => *i < 0,
            Repr::Big(d) => d.negative,
        }
    }

    /// Sign and magnitude digits/exponent, for comparisons.
    fn parts(&self) -> (bool, Vec<u8>, i64) {
        match &self.0 {
            Repr::Int(i) => {
                let mut digits = i.unsigned_abs().to_string().into_bytes();
                let mut exponent = 0;
                while digits.len() > 1 && digits.last() == Some(&b'0') {
                    digits.pop();
                    exponent += 1;
                }
                (*i < 0, digits, exponent)
            }
            Repr::Big(d) => (d.negative, d.digits.to_vec(), d.exponent),
        }
    }

    fn signum(&self) -> i8 {
        match &self.0 {
            Repr::Int(i) => i.signum() as i8,
            Repr::Big(d) if d.negative => -1,
            Repr::Big(_) => 1,
        }
    }
}

impl Decimal {
    /// Number of digits before the decimal point (may be ≤ 0 for fractions).
    fn int_len(&self) -> i64 {
        self.digits.len() as i64 + self.exponent
    }

    fn to_f64(&self) -> f64 {
        let digits = std::str::from_utf8(&self.digits).unwrap_or("0");
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{digits}e{}", self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Plain decimal notation without exponent.
    fn to_plain_string(&self) -> String {
        let mut out = String::with_capacity(self.digits.len() + 8);
        self.write_plain(&mut out);
        out
    }

    fn write_plain(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        let digits = std::str::from_utf8(&self.digits).unwrap_or("0");
        if self.exponent >= 0 {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', self.exponent as usize));
            return;
        }
        let point = self.int_len();
        if point > 0 {
            let (int, frac) = digits.split_at(point as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(digits);
        }
    }
}

/// Builds a canonical number from raw parts (`digits` ASCII, may have leading/trailing zeros).
fn from_parts(negative: bool, mut digits: Vec<u8>, mut exponent: i64) -> Number {
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    digits.drain(..leading);
    while digits.last() == Some(&b'0') {
        digits.pop();
        exponent += 1;
    }
    if digits.is_empty() {
        return Number(Repr::Int(0));
    }
    if exponent >= 0 && digits.len() as i64 + exponent <= 19 {
        let mut acc: i64 = 0;
        let mut fits = true;
        let all = digits
            .iter()
            .map(|d| i64::from(d - b'0'))
            .chain(std::iter::repeat_n(0, exponent as usize));
        for d in all {
            let next = acc.checked_mul(10).and_then(|a| {
                if negative {
                    a.checked_sub(d)
                } else {
                    a.checked_add(d)
                }
            });
            match next {
                Some(n) => acc = n,
                None => {
                    fits = false;
                    break;
                }
            }
        }
        if fits {
            return Number(Repr::Int(acc));
        }
    }
    Number(Repr::Big(Box::new(Decimal {
        negative,
        digits: digits.into_boxed_slice(),
        exponent,
    })))
}

fn parse_decimal(s: &str) -> Option<Number> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut digits = Vec::with_capacity(bytes.len());
    let mut frac_len: i64 = 0;
    let mut seen_point = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => {
                digits.push(b);
                if seen_point {
                    frac_len += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            // Saturate: anything this large is rejected below unless the mantissa is zero.
            exp = exp.saturating_mul(10).saturating_add(i64::from(b - b'0'));
            i += 1;
        }
        if i == start {
            return None;
        }
        if exp_negative {
            exp = -exp;
        }
    }
    if i != bytes.len() {
        return None;
    }
    // Clamp so exponent arithmetic cannot overflow; out-of-range values are rejected below.
    let exp = exp.clamp(-(1 << 50), 1 << 50);
    let n = from_parts(negative, digits, exp - frac_len);
    if let Repr::Big(d) = &n.0 {
        let magnitude = d.int_len();
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&magnitude) {
            return None;
        }
    }
    Some(n)
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl fmt::Display for Number {
    /// Canonical plain decimal: `42`, `-0.5`, `123456789012345678901234567890.5`, `100000000000000000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => fmt::Display::fmt(i, f),
            Repr::Big(d) => f.write_str(&d.to_plain_string()),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &other.0) {
            return a.cmp(b);
        }
        let (sa, sb) = (self.signum(), other.signum());
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let (neg, da, ea) = self.parts();
        let (_, db, eb) = other.parts();
        // Compare magnitudes: first by position of the leading digit, then digit by digit.
        let magnitude = (da.len() as i64 + ea)
            .cmp(&(db.len() as i64 + eb))
            .then_with(|| da.cmp(&db));
        if neg { magnitude.reverse() } else { magnitude }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Number {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Number::parse(s)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number::from_i64(i)
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        Number::from_u64(u)
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Self {
        Number::from_i64(i64::from(i))
    }
}

impl From<u32> for Number {
    fn from(u: u32) -> Self {
        Number::from_i64(i64::from(u))
    }
}

impl TryFrom<f64> for Number {
    type Error = ValueError;

    fn try_from(f: f64) -> Result<Self, Self::Error> {
        Number::from_f64(f)
            .ok_or_else(|| ValueError::new(ValueErrorKind::BadNumber(format!("{f} is not finite"))))
    }
}
