ALTER TYPE plan_tier ADD VALUE 'enterprise';
