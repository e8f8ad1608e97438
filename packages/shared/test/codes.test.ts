import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  checkGridCode,
  checkIdNumber,
  creditCodeCheckChar,
  divisionLevel,
  divisionParent,
  divisionPrefix,
  idNumberCheckDigit,
  isInDivisionSubtree,
  licenceIdentifier,
  mod3736CheckChar,
  parseLicenceIdentifier,
} from '../src/index.ts';

describe('居民身份证号 GB 11643', () => {
  it('accepts the domain reference vectors', () => {
    expect(checkIdNumber('11010519491231002X')).toBeNull();
    expect(checkIdNumber('11010519491231002x')).toBeNull();
    expect(checkIdNumber('440524188001010014')).toBeNull();
  });
  it('refuses a wrong check digit, whatever digit it is', () => {
    for (const c of '0123456789X') {
      if (c === 'X') continue;
      expect(checkIdNumber(`11010519491231002${c}`)).toBe('checkDigit');
    }
    expect(checkIdNumber('440524188001010015')).toBe('checkDigit');
  });
  it('refuses bad format, birth date and region', () => {
    expect(checkIdNumber('1101051949123100')).toBe('format');
    expect(checkIdNumber('11010519491231002Y')).toBe('format');
    const badDate = `11010519490231002`;
    expect(checkIdNumber(badDate + idNumberCheckDigit(badDate))).toBe('birthDate');
    const future = `11010530000101002`;
    expect(checkIdNumber(future + idNumberCheckDigit(future))).toBe('birthDate');
    const badRegion = `99010519491231002`;
    expect(checkIdNumber(badRegion + idNumberCheckDigit(badRegion))).toBe('region');
  });
});

describe('统一社会信用代码 GB 32100', () => {
  it('accepts the domain reference vectors', () => {
    expect(checkCreditCode('91350100M000100Y43')).toBeNull();
    expect(checkCreditCode('91110000600037341L')).toBeNull();
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
  it('refuses wrong check characters and forbidden letters', () => {
    expect(checkCreditCode('91350100M000100Y44')).toBe('checkChar');
    expect(checkCreditCode('91110000600037341K')).toBe('checkChar');
    expect(checkCreditCode('91350100M000100I43')).toBe('format'); // I is not in the alphabet
    expect(checkCreditCode('9135010')).toBe('format');
  });
});

describe('division and grid codes', () => {
  it('knows levels', () => {
    expect(divisionLevel('440000')).toBe('province');
    expect(divisionLevel('440600')).toBe('prefecture');
    expect(divisionLevel('440604')).toBe('county');
    expect(divisionLevel('440604001000')).toBe('township');
    expect(divisionLevel('440604001001')).toBe('village');
    expect(divisionLevel('440604000000')).toBeNull();
    expect(divisionLevel('440604001400')).toBeNull();
    expect(divisionLevel('990000')).toBeNull();
    expect(divisionLevel('44060')).toBeNull();
  });
  it('walks up and scopes by prefix', () => {
    expect(divisionParent('440604001001')).toBe('440604001000');
    expect(divisionParent('440604001000')).toBe('440604');
    expect(divisionParent('440604')).toBe('440600');
    expect(divisionParent('440600')).toBe('440000');
    expect(divisionPrefix('440600')).toBe('4406');
    expect(isInDivisionSubtree('440604', '440604001001')).toBe(true);
    expect(isInDivisionSubtree('440604', '440605001001')).toBe(false);
    expect(isInDivisionSubtree('440600', '440605')).toBe(true);
  });
  it('validates 15-digit grid codes', () => {
    expect(checkGridCode('440604001001001')).toBe(true);
    expect(checkGridCode('440604001001000')).toBe(false);
    expect(checkGridCode('440604001000001')).toBe(false);
    expect(checkGridCode('44060400100100')).toBe(false);
  });
});

describe('证照标识 (licence identifier, ISO 7064 MOD 37,36)', () => {
  const vectors = [
    '1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3',
    '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S',
  ];
  it('accepts the vectors of the domain reference and rebuilds them from their parts', () => {
    for (const v of vectors) {
      const r = parseLicenceIdentifier(v);
      expect(r.ok, v).toBe(true);
      if (r.ok) expect(licenceIdentifier(r.parts)).toBe(v);
    }
    expect(mod3736CheckChar('11100000000013338W08711370800MB2855918437080001202411010001001')).toBe('3');
  });
  it('refuses every wrong check character and malformed shapes', () => {
    for (const v of vectors) {
      const body = v.slice(0, -1);
      for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        if (c === v.at(-1)) continue;
        expect(parseLicenceIdentifier(body + c)).toEqual({ ok: false, problem: 'check' });
      }
    }
    expect(parseLicenceIdentifier('1.2.156.3005.2.111.222.333.001.3')).toEqual({ ok: false, problem: 'format' });
    expect(parseLicenceIdentifier('not an identifier')).toEqual({ ok: false, problem: 'format' });
    // A changed body character is caught by the check character.
    const tampered = vectors[0]!.replace('37080001202411010001', '37080001202411010002');
    expect(parseLicenceIdentifier(tampered)).toEqual({ ok: false, problem: 'check' });
  });
});
