-- 071: the contact (联络人) of a liaison group, set by the office through
-- lianxin-assess (PUT /assess/groups/{id}/contact, audited as
-- assess.group_contact). The contact is a member of the group; they see the
-- group's year against the six at least (六个至少). One contact per group.
-- Kept in schema assess, not as a column of core.liaison_groups: assess is
-- the program that writes it, and core is read-only to the services (009).
-- The grants are 009's default privileges of schema assess. Never edit once
-- landed.

CREATE TABLE assess.group_contacts (
    district_code text NOT NULL,
    group_id      bigint NOT NULL,
    member_id     bigint NOT NULL,
    set_by        bigint NOT NULL,
    set_at        timestamptz NOT NULL,
    PRIMARY KEY (district_code, group_id),
    FOREIGN KEY (district_code, group_id) REFERENCES core.liaison_groups,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);
CREATE INDEX assess_group_contacts_member ON assess.group_contacts (district_code, member_id);

