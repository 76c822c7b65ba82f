"""Meeting mode: saved views, annotations, key figures and the meeting pack."""
