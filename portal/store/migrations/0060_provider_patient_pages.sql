-- "My patients" in pages. An organisation can hold a relationship with most of the hospital's patients (a
-- large GP practice, the pharmacy of a region: a million rows at a large hospital), so its list is read a
-- page at a time, newest relationship first, and each page must cost the same however many rows the
-- holder has. These indexes give the holder's relationships in that order, so a page is an index range
-- walked backwards from the cursor and stopped at the page size. They replace the (holder, patient_id)
-- indexes of 0001, which only that list used: it still finds the holder's rows through them.
DROP INDEX relationships_holder_agb;
DROP INDEX relationships_holder_ura;
CREATE INDEX relationships_holder_agb_from ON relationships (holder_agb, valid_from, id) WHERE holder_agb IS NOT NULL;
CREATE INDEX relationships_holder_ura_from ON relationships (holder_ura, valid_from, id) WHERE holder_ura IS NOT NULL;
