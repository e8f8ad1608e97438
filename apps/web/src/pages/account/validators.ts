import type { Rule } from 'antd/es/form';
import type { TFunction } from '../../i18n/index.tsx';

export const ID_NUMBER_RE = /^\d{17}[\dXx]$/;
export const PHONE_RE = /^1\d{10}$/;
export const CREDIT_CODE_RE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export const rules = {
  required: (t: TFunction): Rule => ({ required: true, whitespace: true, message: t('form.required') }),
  idNumber: (t: TFunction): Rule[] => [
    { required: true, message: t('form.required') },
    { pattern: ID_NUMBER_RE, message: t('form.idNumberInvalid') },
  ],
  phone: (t: TFunction, required = true): Rule[] => [
    { required, message: t('form.required') },
    { pattern: PHONE_RE, message: t('form.phoneInvalid') },
  ],
  creditCode: (t: TFunction, required = true): Rule[] => [
    { required, message: t('form.required') },
    { pattern: CREDIT_CODE_RE, message: t('form.creditCodeInvalid') },
  ],
  password: (t: TFunction): Rule[] => [
    { required: true, message: t('form.required') },
    { min: 8, message: t('form.passwordShort') },
  ],
};
