-- The start page's filter "recently discharged" starts from the admissions that ended after a moment,
-- not from the provider's relationships (an organisation can hold most of the hospital's patients): this
-- index gives those admissions in one range, however many patients and encounters the hospital has.
CREATE INDEX encounters_inpatient_end ON encounters (end_at) WHERE class = 'inpatient' AND end_at IS NOT NULL;
