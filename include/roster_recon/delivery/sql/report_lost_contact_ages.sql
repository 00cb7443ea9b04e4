-- Members lost contact, by how long since their last contact.
SELECT CASE WHEN last_contact_date IS NULL THEN 'no contact date / 无联系日期'
            WHEN last_contact_date >= :as_of - interval '12 months' THEN '6–12 months / 6–12个月'
            WHEN last_contact_date >= :as_of - interval '24 months' THEN '1–2 years / 1–2年'
            ELSE 'over 2 years / 2年以上' END AS band,
       count(DISTINCT member_key) AS members
  FROM report_members
 WHERE 'lost_contact' = ANY (flags)
 GROUP BY 1
 ORDER BY 1
