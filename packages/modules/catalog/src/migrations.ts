import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const catalogMigrations: Migrations = {
  '0020_catalog_items': {
    async up(db) {
      await sql`
        create table catalog_basic_items (
          catalog_code text primary key,
          name text not null,
          task_type text not null,
          parent_code text references catalog_basic_items(catalog_code),
          legal_basis text,
          created_at timestamptz not null default now()
        );
        create table catalog_items (
          id text primary key,
          task_code text not null,
          task_version int not null,
          catalog_code text not null references catalog_basic_items(catalog_code),
          name text not null,
          task_type text not null,
          use_level text not null,
          department_id text not null references departments(id),
          department_name text not null,
          region_code text not null,
          project_type int not null,
          statutory_limit int not null,
          statutory_unit int not null,
          promised_limit int not null,
          promised_unit int not null,
          visits_required int not null default 0,
          is_online boolean not null default false,
          online_depth jsonb not null default '[]',
          service_object jsonb not null default '[]',
          conditions text,
          legal_basis text,
          address text,
          office_hours text,
          contact text,
          fee jsonb not null default '{"isFee":false,"items":[]}',
          themes jsonb not null default '[]',
          form_schema jsonb not null default '{}',
          materials jsonb not null default '[]',
          steps jsonb not null default '[]',
          results jsonb not null default '[]',
          faqs jsonb not null default '[]',
          search_text text not null,
          status text not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (task_code, task_version)
        );
        create index catalog_items_status on catalog_items (status);
        create index catalog_items_department on catalog_items (department_id);
        create index catalog_items_catalog on catalog_items (catalog_code);
      `.execute(db);
    },
  },
  '0021_catalog_responsibility': {
    async up(db) {
      // Responsibility list (责任清单): the department's duties and the accountability basis of a power item.
      await sql`
        alter table catalog_items add column duties text;
        alter table catalog_items add column accountability text;
      `.execute(db);
    },
  },
  '0022_catalog_form_schema_order': {
    async up(db) {
      // The order of a form's fields is the order of the schema's properties; jsonb sorts object
      // keys, json keeps them as written.
      await sql`alter table catalog_items alter column form_schema type json using form_schema::json`.execute(db);
      await sql`alter table catalog_items alter column form_schema set default '{}'::json`.execute(db);
    },
  },
};
