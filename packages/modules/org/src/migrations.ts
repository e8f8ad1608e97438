import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const orgMigrations: Migrations = {
  '0002_org_divisions': {
    async up(db) {
      await sql`
        create table divisions (
          code text primary key,
          name text not null,
          level text not null,
          parent_code text references divisions(code),
          created_at timestamptz not null default now()
        );
        create index divisions_parent on divisions (parent_code);
        create table grids (
          code text primary key,
          name text not null,
          division_code text not null references divisions(code),
          polygon jsonb not null,
          min_lng double precision not null,
          min_lat double precision not null,
          max_lng double precision not null,
          max_lat double precision not null,
          worker_staff_id text,
          created_at timestamptz not null default now()
        );
        create index grids_division on grids (division_code);
        create index grids_bbox_lng on grids (min_lng, max_lng);
        create index grids_bbox_lat on grids (min_lat, max_lat);
      `.execute(db);
    },
  },
  '0003_org_departments_staff_roles': {
    async up(db) {
      await sql`
        create table departments (
          id text primary key,
          name text not null,
          short_name text,
          credit_code text not null unique,
          region_code text not null references divisions(code),
          parent_id text references departments(id),
          kind text not null,
          created_at timestamptz not null default now()
        );
        create index departments_region on departments (region_code);
        create index departments_parent on departments (parent_id);
        create table staff (
          id text primary key,
          account_id text not null unique,
          username text not null,
          name text not null,
          department_id text not null references departments(id),
          region_code text not null,
          title text,
          active boolean not null default true,
          created_at timestamptz not null default now()
        );
        create index staff_department on staff (department_id);
        create index staff_region on staff (region_code);
        create table roles (
          id text primary key,
          code text not null unique,
          name text not null,
          name_en text,
          permissions jsonb not null default '[]',
          is_admin boolean not null default false,
          created_at timestamptz not null default now()
        );
        create table staff_roles (
          id text primary key,
          staff_id text not null references staff(id) on delete cascade,
          role_id text not null references roles(id),
          region_code text,
          department_id text references departments(id),
          created_at timestamptz not null default now()
        );
        create index staff_roles_staff on staff_roles (staff_id);
        create index staff_roles_role on staff_roles (role_id);
        alter table grids add constraint grids_worker_fk foreign key (worker_staff_id) references staff(id) on delete set null;
      `.execute(db);
    },
  },
  // The division this deployment serves (a city's or a province's platform): the portal's title,
  // the footer and anything else that names "this city". One row; the seed sets the demo city.
  '0071_org_site': {
    async up(db) {
      await sql`
        create table org_site (
          id smallint primary key default 1 check (id = 1),
          division_code text not null references divisions (code),
          updated_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
};
