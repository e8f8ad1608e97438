/** TypeBox schemas of the data API bodies. */
import { Type } from 'typebox';

const Text = (max = 4000, min = 0) => Type.String({ maxLength: max, minLength: min });
const NullableText = (max = 4000) => Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: max })]));

export const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};

export const Field = Type.Object(
  {
    name: Text(63, 1),
    label: Text(100, 1),
    type: Text(20, 1),
    identifier: Text(10, 1),
    level: Text(16, 1),
    nationalLabel: Text(4, 1),
    format: NullableText(20),
    maskRule: NullableText(32),
    required: Type.Optional(Type.Boolean()),
    unique: Type.Optional(Type.Boolean()),
    element: NullableText(100),
    authoritative: Type.Optional(Type.Boolean()),
    description: NullableText(1000),
  },
  { additionalProperties: false },
);

const ResourceProps = {
  code: Text(16, 1),
  name: Text(200, 1),
  abstract: Text(2000, 1),
  classification: Type.Object(
    {
      class: Type.Integer({ minimum: 1, maximum: 3 }),
      item: Text(2, 1),
      catalog: Text(3, 1),
      detail: Text(3, 1),
    },
    { additionalProperties: false },
  ),
  updateCycle: Text(10, 1),
  shareType: Text(10, 1),
  shareConditions: NullableText(2000),
  shareMethod: Type.Optional(Text(10, 1)),
  openType: Text(10, 1),
  openConditions: NullableText(2000),
  keyField: Text(63, 1),
  fields: Type.Array(Field, { minItems: 1, maxItems: 200 }),
  relatedCodes: Type.Optional(Type.Array(Text(16, 1), { maxItems: 50 })),
};

export const CreateResource = Type.Object(
  { ...ResourceProps, providerDepartmentId: Text(64, 1) },
  { additionalProperties: false },
);
export const UpdateResource = Type.Object(
  { ...ResourceProps, expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

export const LevelBody = Type.Object(
  {
    name: Text(20, 1),
    nameEn: Text(40, 1),
    rank: Type.Integer({ minimum: 1, maximum: 20 }),
    seal: Type.Boolean(),
    maskAction: Type.Union([Type.Literal('clear'), Type.Literal('mask'), Type.Literal('suppress')]),
  },
  { additionalProperties: false },
);

export const ResourceQuery = Type.Object({
  q: Type.Optional(Text(100)),
  providerDepartmentId: Type.Optional(Text(64)),
  class: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
  shareType: Type.Optional(Text(10)),
  openType: Type.Optional(Text(10)),
  updateCycle: Type.Optional(Text(10)),
  nationalLabel: Type.Optional(Text(4)),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('retired')])),
  ...Paging,
});

export const ConnectorBody = Type.Object(
  {
    name: Text(100, 1),
    kind: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('file'), Type.Literal('http')]),
    config: Type.Object(
      {
        host: Type.Optional(Text(255)),
        port: Type.Optional(Type.Integer()),
        database: Type.Optional(Text(63)),
        user: Type.Optional(Text(63)),
        table: Type.Optional(Text(127)),
        url: Type.Optional(Text(2000)),
        itemsPath: NullableText(200),
        sinceParam: NullableText(50),
        lookupUrl: NullableText(2000),
        lookupPath: NullableText(200),
        format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
        delimiter: NullableText(1),
        sheet: NullableText(100),
        columns: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 100 }))),
      },
      { additionalProperties: false },
    ),
    secret: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.Object(
          { password: Type.Optional(Text(500)), authorization: Type.Optional(Text(2000)) },
          { additionalProperties: false },
        ),
      ]),
    ),
    syncMode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
    changeColumn: NullableText(63),
    scheduleMinutes: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
    queryThrough: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SyncBody = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')])) },
  { additionalProperties: false },
);
export const UploadBody = Type.Object(
  {
    filename: Text(255, 1),
    contentBase64: Type.String({ minLength: 1, maxLength: 28_000_000 }),
    mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')])),
  },
  { additionalProperties: false },
);

export const RequestBody = Type.Object(
  {
    resourceId: Text(64, 1),
    purpose: Text(1000, 1),
    legalBasis: Text(1000, 1),
    mode: Type.Optional(Type.Union([Type.Literal('rows'), Type.Literal('predicate')])),
    fields: Type.Array(Text(63, 1), { minItems: 1, maxItems: 200 }),
    clearFields: Type.Optional(Type.Array(Text(63, 1), { maxItems: 200 })),
    periodFrom: Text(10, 10),
    periodTo: Text(10, 10),
    expectedVolume: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    consumerDepartmentId: Type.Optional(Text(64, 1)),
  },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
    fields: Type.Optional(Type.Array(Text(63, 1), { maxItems: 200 })),
    clearFields: Type.Optional(Type.Array(Text(63, 1), { maxItems: 200 })),
    reason: NullableText(1000),
    dailyQuota: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    expectedVersion: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export const RevokeBody = Type.Object(
  { reason: Text(1000, 1), expectedVersion: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const ReviewBody = Type.Object(
  { expectedVersion: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const SettingsBody = Type.Object(
  {
    decisionDays: Type.Optional(Type.Integer()),
    reviewDays: Type.Optional(Type.Integer()),
    remindBeforeDays: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export const RequestQuery = Type.Object({
  side: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('granted'), Type.Literal('refused'), Type.Literal('revoked')]),
  ),
  resourceId: Type.Optional(Text(64)),
  ...Paging,
});

export const MaskRuleBody = Type.Object(
  {
    name: Text(100, 1),
    technique: Type.Union([
      Type.Literal('keep'),
      Type.Literal('generalise_address'),
      Type.Literal('pseudonym'),
      Type.Literal('suppress'),
    ]),
    params: Type.Object(
      { head: Type.Optional(Type.Integer()), tail: Type.Optional(Type.Integer()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
