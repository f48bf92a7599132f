# ruff: noqa: E501 - tabular data reads best one article per line
"""A realistic set of short council-IT knowledge articles: the demo's knowledge base and the
data the search ranking tests run on. (title, audience, body in Markdown)."""

SAMPLE_ARTICLES: list[tuple[str, str, str]] = [
    ("Reset your network password", "staff", "If you have forgotten your password or it has expired, use **Self-service password reset** on the sign-in screen.\n\n1. Choose *Forgotten password*.\n2. Confirm the code sent to your registered mobile.\n3. Choose a new passphrase of at least 14 characters."),
    ("Unlock your account after too many sign-in attempts", "staff", "Your account locks for 15 minutes after ten wrong attempts. Wait, then sign in again, or reset your password from the sign-in screen."),
    ("Set up multi-factor authentication (MFA) on a new phone", "staff", "Install the Microsoft Authenticator app, then go to *My Sign-ins* from a council laptop and add the new phone. Remove the old phone afterwards."),
    ("MFA codes not arriving", "staff", "Check the phone's clock is set automatically. Open the Authenticator app and approve the notification there; text codes can take two minutes."),
    ("Connect to the VPN from home", "staff", "Open **GlobalProtect** from the system tray and sign in with your council account. The VPN connects automatically on council Wi-Fi-free networks."),
    ("VPN connects but shared drives do not open", "staff", "Disconnect and reconnect the VPN, then restart File Explorer. Drives are mapped at sign-in: sign out and back in if they still show a red cross."),
    ("Add a printer with follow-me printing", "staff", "Printing uses **follow-me print**: send your document to *Council-Print* and release it at any multifunction device with your ID badge."),
    ("Printer says out of toner or paper jam", "staff", "Open the front panel and follow the lights to clear the jam. For toner, log a call with the device's asset tag from the label on the front."),
    ("Outlook will not open or keeps crashing", "staff", "Close Outlook, then start it in safe mode with `outlook.exe /safe`. If that works, disable add-ins under *File > Options > Add-ins*."),
    ("Outlook mailbox full", "staff", "Empty *Deleted Items*, then archive old mail with *File > Tools > Mailbox Cleanup*. Shared mailboxes count separately."),
    ("Share your calendar in Outlook", "staff", "In Calendar, right-click your calendar, choose *Sharing permissions* and add colleagues with the level of access they need."),
    ("Teams meeting has no sound", "staff", "In the meeting, open *More > Device settings* and pick the right speaker and microphone. Unplug and replug your headset."),
    ("Join a Teams meeting from a meeting room", "staff", "Tap the room panel and choose the meeting from the room's calendar, or use *Join with an ID* on the room console."),
    ("Connect to the council Wi-Fi", "staff", "Choose **CouncilStaff** and sign in with your council account. Visitors use *CouncilGuest* with a code from reception."),
    ("Laptop will not start or charge", "staff", "Hold the power button for 30 seconds with the charger connected. Check the charger light; try another docking station before logging a call."),
    ("Laptop running slowly", "staff", "Restart at least once a week so updates install. Close browser tabs you do not need and check free disk space in *Settings > Storage*."),
    ("Set up your council mobile phone", "staff", "Sign in to Intune Company Portal with your council account; email, Teams and Authenticator install themselves within an hour."),
    ("Forward your desk phone to your mobile", "staff", "In Teams, open *Settings > Calls* and choose *Forward my calls* to your mobile number."),
    ("Map a shared drive", "staff", "Shared drives map automatically from your team's group. If one is missing, ask your manager to request access for you through the portal."),
    ("Recover a deleted file from a shared drive", "staff", "Right-click the folder, choose *Properties > Previous Versions* and restore the copy from before the deletion."),
    ("New starter: accounts and equipment", "staff", "Managers request a **new starter** at least ten working days ahead: account, laptop, phone and building access are ready on the first day."),
    ("Leaver: returning equipment and closing accounts", "staff", "Managers log a **leaver** request; the account closes at 17:00 on the last day. Return the laptop, phone and badge to the service desk."),
    ("Request software", "staff", "Approved software is in the Company Portal. Anything else needs a software request with your manager's approval."),
    ("Report a phishing email", "staff", "Use the **Report** button in Outlook. Do not click links or open attachments; the security team checks every report."),
    ("Reset a caller's password on the desk", "agents", "Check the caller's identity with two security questions, then reset the password in the admin console and tick *must change at next sign-in*."),
    ("Escalate a VPN outage to the network team", "agents", "If three or more callers report the VPN down, declare a major incident and assign to Network Team; check the firewall status page first."),
]
