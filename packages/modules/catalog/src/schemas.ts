/** TypeBox schemas of the catalog API bodies; also checked against imported rows (which skip the route). */
import { Type } from 'typebox';

const Text = (max = 4000) => Type.String({ maxLength: max });
// Null first: the server's Ajv coerces types, and on a String-first union it would turn null into ''
// (and on a Number-first one into 0); Null first keeps null, and turns '' into null.
const NullableText = (max = 4000) => Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: max })]));
const Int = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 });

const Material = Type.Object(
  {
    name: Text(200),
    type: Text(20),
    required: Type.Boolean(),
    copies: Type.Integer({ minimum: 0, maximum: 100 }),
    fulfilment: Text(40),
    format: NullableText(100),
    maxSizeMb: Type.Optional(Type.Union([Type.Null(), Type.Number({ minimum: 0, maximum: 1024 })])),
    acceptanceStandard: NullableText(1000),
    licenceTypeCode: NullableText(21),
    source: Type.Optional(Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())])),
  },
  { additionalProperties: false },
);
const Step = Type.Object(
  {
    name: Text(200),
    days: Type.Integer({ minimum: 0, maximum: 10000 }),
    unit: Int,
    role: NullableText(64),
    countersign: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
const Fee = Type.Object(
  {
    isFee: Type.Boolean(),
    basis: NullableText(1000),
    items: Type.Array(
      Type.Object({ name: Text(200), standard: Text(500), basis: NullableText(1000) }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
    waiver: NullableText(1000),
  },
  { additionalProperties: false },
);

export const ItemFields = {
  catalogCode: Text(32),
  parentCatalogCode: NullableText(32),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  taskType: Text(4),
  useLevel: Text(2),
  departmentId: Type.String({ minLength: 1, maxLength: 64 }),
  projectType: Int,
  statutoryLimit: Int,
  statutoryUnit: Int,
  promisedLimit: Int,
  promisedUnit: Int,
  visitsRequired: Int,
  isOnline: Type.Boolean(),
  onlineDepth: Type.Optional(Type.Array(Int, { maxItems: 7 })),
  serviceObject: Type.Array(Text(20), { maxItems: 2 }),
  conditions: NullableText(),
  legalBasis: NullableText(),
  address: NullableText(500),
  officeHours: NullableText(500),
  contact: NullableText(500),
  fee: Type.Optional(Fee),
  themes: Type.Optional(Type.Array(Text(50), { maxItems: 20 })),
  formSchema: Type.Optional(Type.Object({}, { additionalProperties: true })),
  materials: Type.Array(Material, { maxItems: 100 }),
  steps: Type.Optional(Type.Array(Step, { maxItems: 30 })),
  results: Type.Optional(
    Type.Array(Type.Object({ name: Text(200), type: Text(50) }, { additionalProperties: false }), { maxItems: 20 }),
  ),
  faqs: Type.Optional(
    Type.Array(Type.Object({ q: Text(500), a: Text(2000) }, { additionalProperties: false }), { maxItems: 50 }),
  ),
  duties: NullableText(),
  accountability: NullableText(),
};
export const CreateBody = Type.Object({ taskCode: Text(64), ...ItemFields }, { additionalProperties: false });
export const UpdateBody = Type.Object(
  { taskCode: Type.Optional(Text(64)), ...ItemFields },
  { additionalProperties: false },
);
export const TaskCode = Type.Object({ taskCode: Type.String({ maxLength: 64 }) });
export const BasicBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    taskType: Text(4),
    parentCode: NullableText(32),
    legalBasis: NullableText(),
  },
  { additionalProperties: false },
);
