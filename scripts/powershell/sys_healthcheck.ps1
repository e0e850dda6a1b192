#Requires -Version 5.1
<#
.SYNOPSIS
    Basic Windows workstation health check for help desk triage.

.DESCRIPTION
    Purpose: Collect the usual first-look facts for a "my PC is slow / acting up" ticket in one go:
             free disk space, memory use, uptime, pending reboot, key services and the last
             installed Windows update. Paste the summary into the ticket log.
    Usage: powershell -ExecutionPolicy Bypass -File sys_healthcheck.ps1 [-MinFreePercent 15]
           [-MaxUptimeDays 14] [-MaxUpdateAgeDays 35] [-Services Spooler,Dnscache] [-Json]
    KB: KB-OPS-006, KB-OPS-012

    Every check reports OK, WARN or FAIL. The script writes one object per check and a
    summary object, and sets the exit code: 0 all OK, 1 at least one WARN, 2 at least one
    FAIL, 3 not running on Windows. Read-only: it changes nothing on the machine.

.EXAMPLE
    .\sys_healthcheck.ps1
.EXAMPLE
    .\sys_healthcheck.ps1 -MinFreePercent 20 -Services Spooler,'Sirona*' -Json | Set-Clipboard
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 99)]
    [int]$MinFreePercent = 15,

    [ValidateRange(1, 365)]
    [int]$MaxUptimeDays = 14,

    [ValidateRange(1, 365)]
    [int]$MaxUpdateAgeDays = 35,

    [ValidateRange(50, 100)]
    [int]$MaxMemoryPercent = 90,

    # Service names (wildcards allowed) that must be running.
    [string[]]$Services = @('Dnscache', 'LanmanWorkstation', 'W32Time', 'Spooler', 'WinDefend', 'wuauserv'),

    # Emit the whole report as JSON text instead of objects.
    [switch]$Json
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path variable:IsWindows) -and $IsWindows)
if (-not $onWindows) {
    Write-Error 'sys_healthcheck.ps1 checks Windows machines only; run it on the affected PC.' -ErrorAction Continue
    exit 3
}

$checks = [System.Collections.Generic.List[object]]::new()

function Add-Check {
    param([string]$Name, [ValidateSet('OK', 'WARN', 'FAIL')][string]$Status, [string]$Detail)
    $checks.Add([pscustomobject]@{ Check = $Name; Status = $Status; Detail = $Detail })
}

# --- Disk free % on fixed drives -------------------------------------------------------------
try {
    foreach ($disk in Get-CimInstance -ClassName Win32_LogicalDisk -Filter 'DriveType = 3') {
        if (-not $disk.Size) { continue }
        $freePercent = [math]::Round(100 * $disk.FreeSpace / $disk.Size, 1)
        $freeGb = [math]::Round($disk.FreeSpace / 1GB, 1)
        $status = if ($freePercent -lt ($MinFreePercent / 2)) { 'FAIL' }
                  elseif ($freePercent -lt $MinFreePercent) { 'WARN' } else { 'OK' }
        Add-Check "Disk $($disk.DeviceID)" $status "$freePercent% free ($freeGb GB), minimum $MinFreePercent%"
    }
} catch {
    Add-Check 'Disk' 'WARN' "could not read disks: $($_.Exception.Message)"
}

# --- Memory and uptime ---------------------------------------------------------------------
$os = Get-CimInstance -ClassName Win32_OperatingSystem
$usedPercent = [math]::Round(100 * (1 - $os.FreePhysicalMemory / $os.TotalVisibleMemorySize), 1)
$totalGb = [math]::Round($os.TotalVisibleMemorySize / 1MB, 1)
$memoryStatus = if ($usedPercent -ge $MaxMemoryPercent) { 'WARN' } else { 'OK' }
Add-Check 'Memory' $memoryStatus "$usedPercent% used of $totalGb GB"

$uptime = (Get-Date) - $os.LastBootUpTime
$uptimeStatus = if ($uptime.TotalDays -gt $MaxUptimeDays) { 'WARN' } else { 'OK' }
Add-Check 'Uptime' $uptimeStatus ("{0:%d}d {0:hh}h since last boot ({1:yyyy-MM-dd HH:mm}); limit $MaxUptimeDays days" -f $uptime, $os.LastBootUpTime)

# --- Pending reboot ------------------------------------------------------------------------
$rebootReasons = @()
if (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') {
    $rebootReasons += 'component servicing'
}
if (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') {
    $rebootReasons += 'Windows Update'
}
$sessionManager = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -ErrorAction SilentlyContinue
if ($sessionManager -and ($sessionManager.PSObject.Properties.Name -contains 'PendingFileRenameOperations')) {
    $rebootReasons += 'pending file renames'
}
if ($rebootReasons) {
    Add-Check 'Pending reboot' 'WARN' ("reboot pending: " + ($rebootReasons -join ', '))
} else {
    Add-Check 'Pending reboot' 'OK' 'no reboot pending'
}

# --- Key services --------------------------------------------------------------------------
foreach ($pattern in $Services) {
    $found = @(Get-Service -Name $pattern -ErrorAction SilentlyContinue)
    if (-not $found) {
        Add-Check "Service $pattern" 'WARN' 'not installed'
        continue
    }
    foreach ($service in $found) {
        if ($service.Status -eq 'Running') {
            Add-Check "Service $($service.Name)" 'OK' 'running'
        } elseif ($service.StartType -eq 'Disabled') {
            Add-Check "Service $($service.Name)" 'WARN' 'disabled'
        } else {
            Add-Check "Service $($service.Name)" 'FAIL' "$($service.Status) (start type $($service.StartType))"
        }
    }
}

# --- Last Windows Update ---------------------------------------------------------------------
try {
    $lastHotfix = Get-HotFix | Where-Object { $_.InstalledOn } |
        Sort-Object -Property InstalledOn -Descending | Select-Object -First 1
    if ($lastHotfix) {
        $ageDays = [int]((Get-Date) - $lastHotfix.InstalledOn).TotalDays
        $updateStatus = if ($ageDays -gt $MaxUpdateAgeDays) { 'WARN' } else { 'OK' }
        Add-Check 'Windows Update' $updateStatus ("last update {0} installed {1:yyyy-MM-dd} ({2} days ago)" -f $lastHotfix.HotFixID, $lastHotfix.InstalledOn, $ageDays)
    } else {
        Add-Check 'Windows Update' 'WARN' 'no installed updates found'
    }
} catch {
    Add-Check 'Windows Update' 'WARN' "could not read update history: $($_.Exception.Message)"
}

# --- Summary ---------------------------------------------------------------------------------
$failCount = @($checks | Where-Object Status -eq 'FAIL').Count
$warnCount = @($checks | Where-Object Status -eq 'WARN').Count
$overall = if ($failCount) { 'FAIL' } elseif ($warnCount) { 'WARN' } else { 'OK' }
$exitCode = if ($failCount) { 2 } elseif ($warnCount) { 1 } else { 0 }

$summary = [pscustomobject]@{
    Computer  = $env:COMPUTERNAME
    CheckedAt = (Get-Date).ToString('yyyy-MM-ddTHH:mm:sszzz')
    OS        = "$($os.Caption) $($os.Version)"
    Overall   = $overall
    Warnings  = $warnCount
    Failures  = $failCount
    Checks    = $checks
}

if ($Json) {
    $summary | ConvertTo-Json -Depth 4
} else {
    $checks | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
    Write-Host ("{0}: {1} ({2} warning(s), {3} failure(s))" -f $summary.Computer, $overall, $warnCount, $failCount)
    $summary
}
exit $exitCode
