"""``iamsql collect``: read a live AWS estate with boto3, write every response as AWS-CLI-shaped JSON evidence with
a manifest, then load that folder with the same loader as ``iamsql load`` (one load path).

Modules: ``run`` (the command's library function), ``targets`` (which accounts, with which credentials),
``aws`` (sessions, clients, retries, errors), ``iam`` and ``cloudtrail`` (what is asked of AWS), ``trail_logs``
(CloudTrail log files from S3), ``evidence`` (the folder and its manifest), ``progress`` (bars on a terminal).
"""
