"""Training and distillation, run by hand on the dev splits; the runtime never imports this package.

- `python -m newsfuse.training.fastner collect|fit|eval`: the NER head distilled from en_core_web_sm's NER
  (writes `data/fastner.npz`, read by `newsfuse.nlp.fastner`).
- `python -m newsfuse.training.summary`: the summary sentence scorer (`data/summary-model.json`).
- `python -m newsfuse.training.clean`: the boilerplate line classifier (`data/clean-lines.json`).
- `python -m newsfuse.training.quotes`: the speaker scorer (`data/quotes-speaker.json`).

tests/test_layout.py fails if a runtime module imports anything here.
"""
