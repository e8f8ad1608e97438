/**
 * The application form of an item is a JSON Schema (draft-07) of a deliberately small subset, so
 * every form the designer can draw can also be rendered, validated and stored as case data:
 *
 *   { type: 'object', title?, description?, required?: string[],
 *     properties: { <name>: { type: 'string'|'number'|'integer'|'boolean', title?, description?,
 *       default?, enum?, format? (string), minLength?/maxLength?/pattern? (string),
 *       minimum?/maximum? (number, integer) } } }
 *
 * `checkFormSchema` names the first offending place as a field path such as
 * `formSchema.properties.age.type`.
 */

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const STRING_FORMATS = ['date', 'date-time', 'time', 'email', 'uri'] as const;

/** Property names are identifiers, so they are safe keys in case data and in URLs. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 100;

const ROOT_KEYS = new Set(['$schema', 'type', 'title', 'description', 'properties', 'required']);
const COMMON_KEYS = ['type', 'title', 'description', 'default', 'enum'];
const KEYS_OF: Record<FieldType, Set<string>> = {
  string: new Set([...COMMON_KEYS, 'format', 'minLength', 'maxLength', 'pattern']),
  number: new Set([...COMMON_KEYS, 'minimum', 'maximum']),
  integer: new Set([...COMMON_KEYS, 'minimum', 'maximum']),
  boolean: new Set(COMMON_KEYS),
};

export interface SchemaProblem {
  field: string;
  zh: string;
  en: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100_000;

function matchesType(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
  }
}

function checkField(name: string, f: unknown): SchemaProblem | null {
  const at = `formSchema.properties.${name}`;
  if (!isObject(f)) return { field: at, zh: `字段 ${name} 的定义应为对象`, en: `Field ${name} must be an object` };
  if (!(FIELD_TYPES as readonly unknown[]).includes(f.type))
    return {
      field: `${at}.type`,
      zh: `字段 ${name} 的类型应为 string、number、integer 或 boolean`,
      en: `Field ${name}: type must be string, number, integer or boolean`,
    };
  const type = f.type as FieldType;
  for (const k of Object.keys(f))
    if (!KEYS_OF[type].has(k))
      return {
        field: `${at}.${k}`,
        zh: `字段 ${name}（${type}）不支持关键字 ${k}`,
        en: `Field ${name} (${type}) does not support the keyword ${k}`,
      };
  if (f.title !== undefined && !isText(f.title, 200))
    return { field: `${at}.title`, zh: `字段 ${name} 的标题应为文本`, en: `Field ${name}: title must be text` };
  if (f.description !== undefined && !isText(f.description, 1000))
    return {
      field: `${at}.description`,
      zh: `字段 ${name} 的说明应为文本`,
      en: `Field ${name}: description must be text`,
    };
  if (f.enum !== undefined) {
    const e = f.enum;
    if (
      !Array.isArray(e) ||
      e.length === 0 ||
      e.length > 200 ||
      e.some((v) => !matchesType(type, v)) ||
      new Set(e).size !== e.length
    )
      return {
        field: `${at}.enum`,
        zh: `字段 ${name} 的选项应为不重复的 ${type} 值`,
        en: `Field ${name}: enum must be a non-empty list of distinct ${type} values`,
      };
  }
  if (f.default !== undefined && !matchesType(type, f.default))
    return {
      field: `${at}.default`,
      zh: `字段 ${name} 的默认值类型不正确`,
      en: `Field ${name}: default must be a ${type}`,
    };
  if (f.format !== undefined && !(STRING_FORMATS as readonly unknown[]).includes(f.format))
    return {
      field: `${at}.format`,
      zh: `字段 ${name} 的格式应为 ${STRING_FORMATS.join('、')} 之一`,
      en: `Field ${name}: format must be one of ${STRING_FORMATS.join(', ')}`,
    };
  for (const k of ['minLength', 'maxLength'] as const)
    if (f[k] !== undefined && !isCount(f[k]))
      return {
        field: `${at}.${k}`,
        zh: `字段 ${name} 的 ${k} 应为非负整数`,
        en: `Field ${name}: ${k} must be a non-negative integer`,
      };
  if (f.minLength !== undefined && f.maxLength !== undefined && (f.minLength as number) > (f.maxLength as number))
    return {
      field: `${at}.minLength`,
      zh: `字段 ${name} 的最小长度不能大于最大长度`,
      en: `Field ${name}: minLength must not exceed maxLength`,
    };
  for (const k of ['minimum', 'maximum'] as const)
    if (f[k] !== undefined && !matchesType(type, f[k]))
      return { field: `${at}.${k}`, zh: `字段 ${name} 的 ${k} 应为数值`, en: `Field ${name}: ${k} must be a ${type}` };
  if (f.minimum !== undefined && f.maximum !== undefined && (f.minimum as number) > (f.maximum as number))
    return {
      field: `${at}.minimum`,
      zh: `字段 ${name} 的最小值不能大于最大值`,
      en: `Field ${name}: minimum must not exceed maximum`,
    };
  if (f.pattern !== undefined) {
    let ok = isText(f.pattern, 500);
    if (ok)
      try {
        new RegExp(f.pattern as string, 'u');
      } catch {
        ok = false;
      }
    if (!ok)
      return {
        field: `${at}.pattern`,
        zh: `字段 ${name} 的正则表达式无效`,
        en: `Field ${name}: pattern is not a valid regular expression`,
      };
  }
  return null;
}

/** null when `schema` is a well-formed form schema of the subset above; else the first problem. */
export function checkFormSchema(schema: unknown): SchemaProblem | null {
  if (!isObject(schema))
    return { field: 'formSchema', zh: '申请表单应为 JSON 对象', en: 'formSchema must be a JSON object' };
  if (schema.type !== 'object')
    return { field: 'formSchema.type', zh: '申请表单的 type 应为 object', en: "formSchema.type must be 'object'" };
  for (const k of Object.keys(schema))
    if (!ROOT_KEYS.has(k))
      return {
        field: `formSchema.${k}`,
        zh: `申请表单不支持关键字 ${k}`,
        en: `formSchema does not support the keyword ${k}`,
      };
  if (schema.$schema !== undefined && !(typeof schema.$schema === 'string' && schema.$schema.includes('draft-07')))
    return {
      field: 'formSchema.$schema',
      zh: '申请表单只支持 JSON Schema draft-07',
      en: 'formSchema must be JSON Schema draft-07',
    };
  for (const k of ['title', 'description'] as const)
    if (schema[k] !== undefined && !isText(schema[k], 1000))
      return { field: `formSchema.${k}`, zh: `申请表单的 ${k} 应为文本`, en: `formSchema.${k} must be text` };
  const props = schema.properties ?? {};
  if (!isObject(props))
    return {
      field: 'formSchema.properties',
      zh: '申请表单的字段应为对象',
      en: 'formSchema.properties must be an object',
    };
  const names = Object.keys(props);
  if (names.length > MAX_FIELDS)
    return {
      field: 'formSchema.properties',
      zh: `申请表单最多 ${MAX_FIELDS} 个字段`,
      en: `formSchema has more than ${MAX_FIELDS} fields`,
    };
  for (const name of names) {
    if (!FIELD_NAME.test(name))
      return {
        field: `formSchema.properties.${name}`,
        zh: `字段名 ${name} 应以字母开头，只含字母、数字和下划线`,
        en: `Field name ${name} must start with a letter and hold only letters, digits and _`,
      };
    const p = checkField(name, props[name]);
    if (p) return p;
  }
  if (schema.required !== undefined) {
    const r = schema.required;
    if (!Array.isArray(r) || r.some((x) => typeof x !== 'string') || new Set(r).size !== r.length)
      return {
        field: 'formSchema.required',
        zh: '必填字段应为不重复的字段名列表',
        en: 'formSchema.required must be a list of distinct field names',
      };
    const unknown = (r as string[]).find((x) => !names.includes(x));
    if (unknown !== undefined)
      return {
        field: 'formSchema.required',
        zh: `必填字段 ${unknown} 未定义`,
        en: `Required field ${unknown} is not defined in properties`,
      };
  }
  return null;
}
