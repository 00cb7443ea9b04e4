# The team's Airflow image: the official image at the pinned version, plus this project's pins and package.
FROM apache/airflow:3.3.2-python3.11

# pip builds the package in its source tree as user airflow: the tree must be airflow's, not root's.
USER root
RUN install -d -o airflow -g root /opt/roster
USER airflow

COPY --chown=airflow:root requirements.txt constraints.txt /opt/roster/
RUN pip install --no-cache-dir -r /opt/roster/requirements.txt -c /opt/roster/constraints.txt

COPY --chown=airflow:root pyproject.toml /opt/roster/
COPY --chown=airflow:root include /opt/roster/include
RUN pip install --no-cache-dir --no-deps /opt/roster
